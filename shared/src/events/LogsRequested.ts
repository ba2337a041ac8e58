import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'LogsRequested';
export const SCHEMA_VERSION = 1;

/** `app`: the app's journal; `boot`: cloud-init's output and the bootstrap steps (ADR 0030). */
export const LogKind = z.enum(['app', 'boot']);
export type LogKind = z.infer<typeof LogKind>;

/** How many lines may be asked for: `--lines N`, 1..500 (default 100). */
export const LOG_LINES = { min: 1, max: 500, default: 100 } as const;
export const LogLines = z.number().int().min(LOG_LINES.min).max(LOG_LINES.max);

/**
 * An owner or admin asked for one environment's logs ([Logs] or `/deploy logs`). Ingress has checked
 * the ownership and the rate limit; the provisioner collects with a fixed document whose only inputs
 * are `kind` and `lines` as validated here, never user text.
 */
export const LogsRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: "An owner or admin asked for an environment's app journal or boot log (ADR 0030).",
  producers: ['slack-ingress'],
  consumers: ['provisioner'],
  // The provisioner's `logs` function (its own queue), not `provision`.
  consumerFunctions: { provisioner: 'logs' },
  data: z
    .object({
      requestId: Ulid,
      deployId: Ulid,
      kind: LogKind,
      lines: LogLines,
      requestedBy: Owner,
      /** Whether ingress let the request through as the owner or as an admin. */
      authorizedAs: z.enum(['owner', 'admin']),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type LogsRequested = z.infer<typeof LogsRequested.detail>;
