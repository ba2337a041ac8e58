import { isRecord } from '../templates/cfnTypes';

/**
 * What a scheduled run did, in words, from the summary its handler returns (the reaper's sweep,
 * nightly and reconcile handlers return counts; services/reaper/src/handlers/createScheduledHandlers.ts).
 * Unknown shapes fall back to their numeric fields, so a new schedule is never summarised as nothing.
 */

type Summary = Record<string, unknown>;

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** The termination reports inside a summary: `expired`, `resumed`, `report`. */
const reportsOf = (summary: Summary): Summary[] =>
  ['expired', 'resumed', 'report'].map((key) => summary[key]).filter(isRecord);

const sum = (reports: Summary[], key: string): number => reports.reduce((total, r) => total + num(r[key]), 0);

const terminationParts = (summary: Summary): string[] => {
  const reports = reportsOf(summary);
  if (reports.length === 0 && !('orphansTerminated' in summary)) return [];
  const handed = sum(reports, 'handedToProvisioner');
  const failed = sum(reports, 'failed');
  return [
    `terminated ${sum(reports, 'closed') + num(summary.orphansTerminated)}`,
    ...(handed > 0 ? [`${handed} not launched yet left to the provisioner`] : []),
    ...(failed > 0 ? [`${failed} failed (the sweep retries them)`] : []),
  ];
};

const reconcileParts = (summary: Summary): string[] => {
  if (!('managedInstances' in summary)) return [];
  const gone = isRecord(summary.instanceGone) ? num(summary.instanceGone.closed) : 0;
  return [
    `reconciled ${gone} record(s) whose instance was gone`,
    `${num(summary.managedInstances)} managed instance(s) checked`,
  ];
};

const fallbackParts = (summary: Summary): string[] =>
  Object.entries(summary)
    .filter(([, value]) => typeof value === 'number')
    .map(([key, value]) => `${key} ${value}`);

export const describeRun = (value: unknown): string => {
  if (!isRecord(value)) return '';
  if (value.ran === false) return `did nothing: ${String(value.reason ?? 'skipped')}`;
  const parts = [
    ...('warned' in value ? [`warned ${num(value.warned)}`] : []),
    ...terminationParts(value),
    ...reconcileParts(value),
    ...('keptOvernight' in value ? [`kept ${num(value.keptOvernight)} overnight`] : []),
    ...(num(value.staleRejected) > 0
      ? [`ended ${num(value.staleRejected)} request(s) that never reached the resolver`]
      : []),
  ];
  return (parts.length > 0 ? parts : fallbackParts(value)).join(', ');
};
