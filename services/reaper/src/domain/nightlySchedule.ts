/**
 * The nightly schedule's calendar lives in shared (ingress and the notifier state the same end to
 * users); what only the reaper needs, the lateness check and the Scheduler expression, is in shared too.
 */
export * from '@branch-envs/shared/nightlySchedule';
