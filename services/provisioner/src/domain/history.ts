import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { FailureReason } from '@branch-envs/shared/events/DeployFailed';

/**
 * The history steps the provisioner writes. They are also how it resumes: a redelivered event or
 * probe reads them to tell "someone claimed this launch" from "nobody did", and to re-publish a
 * failure whose event may have been lost after the record changed.
 */
export const STEPS = {
  resolved: 'resolved',
  launching: 'launching',
  launched: 'instance launched',
  ready: 'ready',
} as const;

const FAILED_PREFIX = 'failed: ';

export const failedStep = (reason: FailureReason): string => `${FAILED_PREFIX}${reason}`;

/** When the record took `step` (the first time), if it did. */
export const stepTime = (record: DeploymentRecord, step: string): Date | undefined => {
  const entry = record.history.find((h) => h.step === step);
  return entry ? new Date(entry.at) : undefined;
};

/** True when some handler won the RESOLVED → LAUNCHING claim; that handler answers for the launch. */
export const wasClaimed = (record: DeploymentRecord): boolean =>
  stepTime(record, STEPS.launching) !== undefined;

/** The failure the provisioner recorded with `→ FAILED`, as reason and message. */
export const recordedFailure = (
  record: DeploymentRecord,
): { reason: FailureReason; message: string } | undefined => {
  const entry = [...record.history].reverse().find((h) => h.step.startsWith(FAILED_PREFIX));
  const reason = FailureReason.safeParse(entry?.step.slice(FAILED_PREFIX.length));
  if (!entry || !reason.success) return undefined;
  return { reason: reason.data, message: entry.note ?? `The deployment failed (${reason.data}).` };
};

/**
 * Recognises a failure transition as one's own after its answer was lost (`isOwnWrite`): the last
 * entry is this failure. Another delivery failing the same way gives the same answer (ADR 0018).
 */
export const endsWithFailure =
  (failure: { reason: FailureReason; message: string }) =>
  (record: DeploymentRecord): boolean =>
    record.history.at(-1)?.step === failedStep(failure.reason) &&
    record.history.at(-1)?.note === failure.message;
