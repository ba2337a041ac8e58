/**
 * The pure half of `bench/pipeline`: one deploy's timeline as the local stack recorded it, the hops
 * between its moments, percentiles over many deploys, and the table. No I/O, so it has unit tests.
 */

/** Epoch milliseconds of each moment of one deploy; absent when the stack never recorded it. */
export interface Timeline {
  deployId: string;
  user: string;
  /** The bench posted the signed slash command (its own clock; everything runs on one machine). */
  sentAt: number;
  /** The HTTP 200 acknowledgement arrived back. */
  ackAt?: number;
  /** DeployRequested's `metadata.occurredAt`, set by slack-ingress. */
  requestedAt?: number;
  /** BranchResolved's `metadata.occurredAt`, set by branch-resolver. */
  resolvedAt?: number;
  /** The record's `instance launched` history entry: written by the provisioner once RunInstances returned. */
  runInstancesAt?: number;
  /** The Slack catcher received the "launching" message (the first naming the instance). */
  launchingMessageAt?: number;
  /** The simulated instance's app turned healthy (first seen by the simulator + its boot delay). */
  healthyAt?: number;
  /** InstanceReady's `metadata.occurredAt`, set by the provisioner (phone-home or probe). */
  readyEventAt?: number;
  /** The Slack catcher received the "ready" message (the first carrying the URL). */
  readyMessageAt?: number;
}

type Moment = Exclude<keyof Timeline, 'deployId' | 'user'>;

export interface Hop {
  name: string;
  from: Moment;
  to: Moment;
  /** The DESIGN §10 budget this hop is held to, in ms, and which statistic. */
  budget?: { ms: number; stat: 'p50' | 'max' };
}

export const HOPS: readonly Hop[] = [
  { name: 'slash → ack', from: 'sentAt', to: 'ackAt', budget: { ms: 3000, stat: 'max' } },
  { name: 'slash → DeployRequested', from: 'sentAt', to: 'requestedAt' },
  { name: 'DeployRequested → BranchResolved', from: 'requestedAt', to: 'resolvedAt' },
  { name: 'BranchResolved → RunInstances', from: 'resolvedAt', to: 'runInstancesAt' },
  { name: 'RunInstances → "launching" message', from: 'runInstancesAt', to: 'launchingMessageAt' },
  {
    name: 'app healthy → InstanceReady',
    from: 'healthyAt',
    to: 'readyEventAt',
    budget: { ms: 5000, stat: 'max' },
  },
  { name: 'InstanceReady → "ready" message', from: 'readyEventAt', to: 'readyMessageAt' },
  { name: 'slash → RunInstances', from: 'sentAt', to: 'runInstancesAt', budget: { ms: 1500, stat: 'p50' } },
  {
    name: 'app healthy → "ready" message',
    from: 'healthyAt',
    to: 'readyMessageAt',
    budget: { ms: 5000, stat: 'max' },
  },
];

/** Nearest-rank percentile of `values` (unsorted); undefined for none. */
export const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
};

export const hopMs = (timeline: Timeline, hop: Hop): number | undefined => {
  const from = timeline[hop.from];
  const to = timeline[hop.to];
  return from === undefined || to === undefined ? undefined : to - from;
};

export interface HopSummary {
  hop: string;
  /** Deploys that recorded both ends of the hop. */
  n: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  budget?: string;
  withinBudget?: boolean;
}

const budgetCheck = (hop: Hop, summary: HopSummary): Pick<HopSummary, 'budget' | 'withinBudget'> => {
  if (!hop.budget) return {};
  const value = hop.budget.stat === 'p50' ? summary.p50Ms : summary.maxMs;
  const budget = `${hop.budget.stat} ${hop.budget.stat === 'p50' ? '<' : '≤'} ${hop.budget.ms} ms`;
  if (value === undefined) return { budget };
  const within = hop.budget.stat === 'p50' ? value < hop.budget.ms : value <= hop.budget.ms;
  return { budget, withinBudget: within };
};

export const summarise = (timelines: readonly Timeline[], hops: readonly Hop[] = HOPS): HopSummary[] =>
  hops.map((hop) => {
    const values = timelines.flatMap((t) => {
      const ms = hopMs(t, hop);
      return ms === undefined ? [] : [ms];
    });
    const summary: HopSummary = {
      hop: hop.name,
      n: values.length,
      p50Ms: percentile(values, 50),
      p95Ms: percentile(values, 95),
      maxMs: percentile(values, 100),
    };
    return { ...summary, ...budgetCheck(hop, summary) };
  });

const cell = (ms: number | undefined): string => (ms === undefined ? '—' : `${ms}`);

/** A fixed-width table: one row per hop, milliseconds, and the budget verdict where one applies. */
export const formatTable = (title: string, rows: readonly HopSummary[]): string => {
  const width = Math.max(...rows.map((r) => r.hop.length), 'hop'.length);
  const line = (cols: string[]) =>
    `${(cols[0] ?? '').padEnd(width)}  ${cols
      .slice(1, 5)
      .map((c) => c.padStart(7))
      .join(' ')}  ${cols[5] ?? ''}`;
  const verdict = (r: HopSummary) =>
    r.budget
      ? `${r.budget}: ${r.withinBudget === undefined ? 'no data' : r.withinBudget ? 'ok' : 'OVER'}`
      : '';
  return [
    title,
    line(['hop', 'n', 'p50 ms', 'p95 ms', 'max ms', 'budget']),
    ...rows.map((r) => line([r.hop, `${r.n}`, cell(r.p50Ms), cell(r.p95Ms), cell(r.maxMs), verdict(r)])),
  ].join('\n');
};
