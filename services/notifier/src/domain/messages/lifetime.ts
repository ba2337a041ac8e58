import type { Lifetime } from '@branch-envs/shared/lifetime';
import { realEnd } from '@branch-envs/shared/lifetime';
import type { Clocked } from '@branch-envs/shared/slack';
import { ACTIONS, actions, type Block, button } from '../blocks';
import { code } from '../text';

/**
 * How every notifier message says when an environment ends: the real end, the earlier of its
 * expiry and the nightly run that ends it (shared/src/lifetime.ts, ADR 0012), in the stage's zone.
 */
export { type Clocked, overnightPhrase, untilPhrase } from '@branch-envs/shared/slack';

/** The nightly run comes first: only [Keep overnight] keeps the environment past it. */
export const endsNightly = (lifetime: Lifetime, view: Clocked): boolean =>
  realEnd(lifetime, view.now, view.nightly).cause === 'nightly';

/** [Extend] [Keep overnight] (and [Terminate]); the values are the deployId, which slack-ingress parses. */
export const lifetimeButtons = (deployId: string, options: { terminate: boolean; logs?: boolean }): Block => {
  const buttons = [
    button('Extend', ACTIONS.extend, deployId, 'primary'),
    button('Keep overnight', ACTIONS.keepOvernight, deployId),
    // The app's journal, posted in this message's thread (ADR 0030).
    ...(options.logs ? [button('Logs', ACTIONS.logsApp, deployId)] : []),
  ];
  if (!options.terminate) return actions(...buttons);
  const terminate = button('Terminate', ACTIONS.terminate, deployId, 'danger');
  terminate.confirm = {
    title: { type: 'plain_text', text: 'Terminate this environment?' },
    text: { type: 'mrkdwn', text: `Deploy ${code(deployId)} will be shut down now.` },
    confirm: { type: 'plain_text', text: 'Terminate' },
    deny: { type: 'plain_text', text: 'Keep it' },
  };
  return actions(...buttons, terminate);
};
