/**
 * What an environment costs: its hourly rate, fixed at launch from the stage's price table, and what
 * it has cost so far. The rate is stored on the deployment record and carried by InstanceReady, so
 * every view (ready message, list, status, Home tab) shows the same figure without a price lookup.
 *
 * Rounding, stated once: the EBS share of the rate is `GB × USD per GB-month / 730 h`, rounded half up
 * to the micro-dollar; the cost so far is `rate × seconds / 3600`, rounded half up to the micro-dollar
 * (EC2 bills Linux by the second); both are shown rounded half up to the cent, and a rate under
 * $0.10/h to a tenth of a cent, so `$0.045/h` does not read as `$0.05/h`.
 */
import * as z from 'zod';
import { IsoDateTime } from '../events/common';
import { formatMicros, mulDivRound, parseUsdMicros } from './money';
import type { PriceTable } from './priceTable';

/** AWS prices EBS per GB-month and converts with 730 hours a month. */
export const HOURS_PER_MONTH = 730;

export const Market = z.enum(['on-demand', 'spot']);
export type Market = z.infer<typeof Market>;

/** The price of one environment, as the record and InstanceReady v2 carry it. */
export const EnvironmentCost = z
  .object({
    market: Market,
    instanceType: z.string().min(1).max(64),
    /** Instance plus root volume, in micro-dollars per hour. */
    hourlyMicros: z.number().int().nonnegative(),
    /** When the instance was launched: billing starts here. */
    since: IsoDateTime,
  })
  .strict();
export type EnvironmentCost = z.infer<typeof EnvironmentCost>;

export interface PricedLaunch {
  instanceType: string;
  market: Market;
  volumeGb: number;
  volumeType: string;
}

/** Micro-dollars per hour of one launch, or undefined when the table has no price for it. */
export const hourlyMicros = (table: PriceTable, launch: PricedLaunch): number | undefined => {
  const instance = table.instances[launch.instanceType];
  const volume = table.volumes[launch.volumeType];
  if (!instance || volume === undefined) return undefined;
  const rate = parseUsdMicros(launch.market === 'spot' ? instance.spot : instance.onDemand);
  const perGbMonth = parseUsdMicros(volume);
  if (rate === undefined || perGbMonth === undefined) return undefined;
  return rate + mulDivRound(launch.volumeGb, perGbMonth, HOURS_PER_MONTH);
};

/** Micro-dollars from `since` to `until` (never negative: a clock behind the launch counts zero). */
export const costSoFarMicros = (
  cost: Pick<EnvironmentCost, 'hourlyMicros' | 'since'>,
  until: Date,
): number => {
  const seconds = Math.max(0, Math.floor((until.getTime() - Date.parse(cost.since)) / 1000));
  return mulDivRound(cost.hourlyMicros, seconds, 3600);
};

/** `$0.045` for a rate under ten cents, `$1.20` otherwise. */
export const formatRate = (micros: number): string => `$${formatMicros(micros, micros < 100_000 ? 3 : 2)}/h`;

/** `$1.20`; an amount that rounds to no cent but is not zero reads `< $0.01`. */
export const formatAmount = (micros: number): string =>
  micros > 0 && micros < 5_000 ? '< $0.01' : `$${formatMicros(micros, 2)}`;

/**
 * `≈ $0.045/h · $0.18 so far`: the line every view shows beside an environment. `until` is now for a
 * live environment and its end for one that is gone (`… · $0.18 in all`). Callers without a cost
 * (records from before prices) show nothing.
 */
export const priceLine = (
  cost: Pick<EnvironmentCost, 'hourlyMicros' | 'since' | 'market'>,
  until: Date,
  options: { ended?: boolean } = {},
): string => {
  const spot = cost.market === 'spot' ? ' Spot' : '';
  const spent = formatAmount(costSoFarMicros(cost, until));
  return `≈ ${formatRate(cost.hourlyMicros)}${spot} · ${spent} ${options.ended ? 'in all' : 'so far'}`;
};

/** The sum of several environments' rates and costs so far, for the totals of `/deploy list`. */
export const totalOf = (
  costs: readonly Pick<EnvironmentCost, 'hourlyMicros' | 'since'>[],
  until: Date,
): { hourlyMicros: number; soFarMicros: number } => ({
  hourlyMicros: costs.reduce((sum, cost) => sum + cost.hourlyMicros, 0),
  soFarMicros: costs.reduce((sum, cost) => sum + costSoFarMicros(cost, until), 0),
});

/** `≈ $0.09/h · $0.36 so far` for a total. */
export const totalLine = (total: { hourlyMicros: number; soFarMicros: number }): string =>
  `≈ ${formatRate(total.hourlyMicros)} · ${formatAmount(total.soFarMicros)} so far`;
