/**
 * Which EC2 market a deployment launches on (ADR 0027). The stage config sets the default
 * (`instances.capacity`); `/deploy … --spot` or `--on-demand` overrides it for one deploy.
 */
import * as z from 'zod';
import type { Market } from './cost';

export const Capacity = z.enum(['on-demand', 'spot', 'spot-then-on-demand']);
export type Capacity = z.infer<typeof Capacity>;

/** The markets tried for each instance type, in order: Spot first, then on-demand if allowed. */
export const marketsFor = (capacity: Capacity): readonly Market[] => {
  if (capacity === 'spot') return ['spot'];
  if (capacity === 'on-demand') return ['on-demand'];
  return ['spot', 'on-demand'];
};
