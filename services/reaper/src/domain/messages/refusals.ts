/**
 * Every sentence the reaper tells a user, in one place so they can be read side by side
 * (tests/unit/refusals.test.ts renders each one). The reaper never talks to Slack itself: each text
 * travels as RequestRefused `message`, which the notifier shows after `🚫 Could not terminate:` (or extend).
 */

export type RefusalCode = 'not_owner' | 'admin_only' | 'not_found' | 'not_live';

export interface Refusal {
  code: RefusalCode;
  message: string;
  deployId?: string;
}

const quote = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

/** `deployment `01KB…``, `branch `main``: how a refusal names what was asked for. */
export const describeTarget = (
  target: { kind: 'deploy'; deployId: string } | { kind: 'branch'; branch: string },
) => (target.kind === 'deploy' ? `deployment ${quote(target.deployId)}` : `branch ${quote(target.branch)}`);

export const refusals = {
  notFound: (what: string, deployId?: string): Refusal => ({
    code: 'not_found',
    message: `There is no live environment for ${what}.`,
    deployId,
  }),
  notLive: (what: string, status: string, deployId: string): Refusal => ({
    code: 'not_live',
    message:
      status === 'TERMINATING'
        ? `The environment for ${what} is already being terminated.`
        : `The environment for ${what} has already ended (${status.toLowerCase()}).`,
    deployId,
  }),
  /** A request still resolving has only a provisional expiry, which the launch replaces. */
  notLaunched: (what: string, deployId: string): Refusal => ({
    code: 'not_live',
    message: `The environment for ${what} is still looking for its branch; extend it once it has launched.`,
    deployId,
  }),
  notOwner: (what: string, deployId?: string): Refusal => ({
    code: 'not_owner',
    message: `The environment for ${what} belongs to someone else. Only its owner or an admin can do that.`,
    deployId,
  }),
  endedMeanwhile: (what: string, deployId?: string): Refusal => ({
    code: 'not_live',
    message: `The environment for ${what} is ending and can no longer be extended.`,
    deployId,
  }),
  adminOnly: (): Refusal => ({
    code: 'admin_only',
    message: 'Only admins can terminate every environment. Use `mine` to end your own.',
  }),
  noneOfYours: (): Refusal => ({ code: 'not_found', message: 'You have no live environments.' }),
  noneAtAll: (): Refusal => ({ code: 'not_found', message: 'There are no live environments.' }),
};
