import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo } from './common';
import { LogKind, LogLines } from './LogsRequested';

export const DETAIL_TYPE = 'LogsCollected';
export const SCHEMA_VERSION = 1;

/**
 * The most text one event carries: Run Command returns at most 24,000 characters of output and
 * GetConsoleOutput 64 KB, so this keeps every entry far inside EventBridge's 256 KB (ADR 0030).
 */
export const MAX_LOG_TEXT = 64_000;

export const LogsUnavailableReason = z.enum([
  /** The deployment has ended, or never had an instance. */
  'not_live',
  'no_instance',
  /** The request claimed the owner, but the record has another (ingress checks first; this is the second look). */
  'not_owner',
  /** Neither Run Command nor the console output answered. */
  'no_output',
]);
export type LogsUnavailableReason = z.infer<typeof LogsUnavailableReason>;

const Collected = z
  .object({
    status: z.literal('collected'),
    /** `run_command`: the fixed logs document; `console_output`: EC2's GetConsoleOutput, the fallback. */
    source: z.enum(['run_command', 'console_output']),
    /** Already redacted by the provisioner: secrets never leave it. */
    text: z.string().max(MAX_LOG_TEXT),
    /** True statements about what was cut or where the text came from, shown with it. */
    notes: z.array(z.string().min(1).max(300)).max(5),
    redactions: z.number().int().nonnegative(),
  })
  .strict();

const Unavailable = z
  .object({
    status: z.literal('unavailable'),
    reason: LogsUnavailableReason,
    message: z.string().min(1).max(500),
  })
  .strict();

/** The logs of one LogsRequested, redacted, for the notifier to post; or why there are none. */
export const LogsCollected = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: "An environment's logs, collected and redacted, or the reason they could not be (ADR 0030).",
  producers: ['provisioner'],
  consumers: ['notifier'],
  data: z
    .object({
      requestId: Ulid,
      deployId: Ulid,
      branch: BranchName.optional(),
      kind: LogKind,
      lines: LogLines,
      outcome: z.discriminatedUnion('status', [Collected, Unavailable]),
      requestedBy: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type LogsCollected = z.infer<typeof LogsCollected.detail>;
