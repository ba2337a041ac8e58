/**
 * The price table of a stage (`pricing:` in config/<stage>.yml): USD per hour for each instance type,
 * on-demand and Spot, and USD per GB-month for each EBS volume type. Operators refresh it with
 * `branch-envs ops prices --write` (from the AWS Pricing API and EC2's Spot price history); nothing
 * on a deploy's path asks AWS for a price (ADR 0027).
 */
import * as z from 'zod';
import { parseUsdMicros } from './money';

const usd = z
  .union([z.number(), z.string()], { error: 'must be a price in USD such as 0.0416' })
  .refine((value) => parseUsdMicros(value) !== undefined, 'must be a price in USD such as 0.0416');

export const InstancePrice = z.strictObject({
  /** USD per instance-hour, on-demand Linux, shared tenancy. */
  onDemand: usd,
  /** USD per instance-hour on Spot: the highest of the region's AZs when the table was refreshed. */
  spot: usd,
});

export const PriceTable = z.strictObject({
  /** When the table was last refreshed (YYYY-MM-DD), shown by `ops prices`. */
  refreshedOn: z
    .string({ error: 'must be a date such as 2026-12-01' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-12-01'),
  instances: z.record(
    z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an instance type such as t3.medium'),
    InstancePrice,
    { error: 'must map each instance type to {onDemand, spot}' },
  ),
  /** USD per GB-month of each EBS volume type (the root volume is gp3). */
  volumes: z.record(
    z.string().regex(/^(gp2|gp3|io1|io2|st1|sc1|standard)$/, 'must be an EBS volume type such as gp3'),
    usd,
    {
      error: 'must map each EBS volume type to its USD per GB-month',
    },
  ),
});
export type PriceTable = z.infer<typeof PriceTable>;
