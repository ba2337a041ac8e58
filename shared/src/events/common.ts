import * as z from 'zod';
import { Ulid } from '../envelope';

export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id');
export const SlackTeamId = z.string().regex(/^[TE][A-Z0-9]{2,20}$/, 'must be a Slack team id');
export const SlackChannelId = z.string().regex(/^[CDG][A-Z0-9]{2,20}$/, 'must be a Slack channel id');

/** Only Slack's own hooks host may receive a response_url post (docs/architecture.md §7: closes the SSRF hole). */
export const SlackResponseUrl = z
  .url({ protocol: /^https$/, hostname: /^hooks\.slack\.com$/ })
  .max(2048)
  // A path starting with `//` would become a new host if resolved against another origin.
  .regex(/^https:\/\/hooks\.slack\.com\/[^/]/, 'must be a https://hooks.slack.com/... URL');

export const EpochSeconds = z.number().int().nonnegative();
export const IsoDateTime = z.iso.datetime({ offset: true });

/** A git branch name as data: length-bounded here; the ref-name rules are checked where it is used. */
export const BranchName = z.string().min(1).max(255);

export const Owner = z
  .object({
    userId: SlackUserId,
    teamId: SlackTeamId,
    userName: z.string().min(1).max(80),
  })
  .strict();
export type Owner = z.infer<typeof Owner>;

/**
 * Where the conversation about a request continues. Producers copy it forward so that the notifier
 * needs no table read to answer. `responseUrl` is valid for 30 minutes from `issuedAt` (Slack's limit).
 */
export const ReplyTo = z
  .object({
    userId: SlackUserId,
    channelId: SlackChannelId,
    responseUrl: SlackResponseUrl.optional(),
    issuedAt: IsoDateTime,
  })
  .strict();
export type ReplyTo = z.infer<typeof ReplyTo>;

/** Which deployment(s) a terminate or extend request is about. */
export const DeploymentTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deploy'), deployId: Ulid }).strict(),
  z.object({ kind: z.literal('branch'), branch: BranchName }).strict(),
]);
export type DeploymentTarget = z.infer<typeof DeploymentTarget>;

/** A deployment as listed in a reply (quota, already running). */
export const LiveDeploymentSummary = z
  .object({
    deployId: Ulid,
    branch: BranchName,
    status: z.string(),
    url: z.url().optional(),
    expiresAt: EpochSeconds.optional(),
  })
  .strict();
export type LiveDeploymentSummary = z.infer<typeof LiveDeploymentSummary>;
