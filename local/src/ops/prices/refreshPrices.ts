import { readFileSync, writeFileSync } from 'node:fs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';
import { formatMicros, parseUsdMicros } from '@branch-envs/shared/pricing/money';
import type { PriceTable } from '@branch-envs/shared/pricing/priceTable';
import { loadStageConfig, stageConfigPath } from '@branch-envs/shared/stageConfig/load';
import { parseDocument } from 'yaml';
import { onDemandInstancePrice, PriceLookupError, spotPrice, volumePrice } from './pricingApi';

/** The root volume's type; the provisioner launches gp3. */
const VOLUME_TYPES = ['gp3'] as const;

/** A price as the table keeps it: a number with at most six decimals (micro-dollars). */
const asTableNumber = (usd: string): number => {
  const micros = parseUsdMicros(usd);
  if (micros === undefined) throw new PriceLookupError(`AWS answered a price that is not a number: ${usd}`);
  return Number(formatMicros(micros, 6));
};

export interface PriceSources {
  pricing: PricingClient;
  ec2: EC2Client;
  now: () => Date;
}

/** A fresh price table for every instance type the stage may launch, in the stage's region. */
export const refreshPriceTable = async (
  instanceTypes: readonly string[],
  region: string,
  sources: PriceSources,
): Promise<PriceTable> => {
  const instances: PriceTable['instances'] = {};
  for (const type of instanceTypes) {
    instances[type] = {
      onDemand: asTableNumber(await onDemandInstancePrice(sources.pricing, type, region)),
      spot: asTableNumber(await spotPrice(sources.ec2, type, sources.now())),
    };
  }
  const volumes: PriceTable['volumes'] = {};
  for (const type of VOLUME_TYPES)
    volumes[type] = asTableNumber(await volumePrice(sources.pricing, type, region));
  return { refreshedOn: sources.now().toISOString().slice(0, 10), instances, volumes };
};

const shown = (value: number | string | undefined): string => (value === undefined ? 'none' : String(value));

/** What changed, one line per price: `t3.medium onDemand 0.0416 → 0.0432`. */
export const priceChanges = (before: PriceTable, after: PriceTable): string[] => {
  const prices = (table: PriceTable): Map<string, string> =>
    new Map([
      ...Object.entries(table.instances).flatMap(([type, price]) => [
        [`${type} onDemand`, shown(price.onDemand)] as const,
        [`${type} spot`, shown(price.spot)] as const,
      ]),
      ...Object.entries(table.volumes).map(
        ([type, price]) => [`${type} per GB-month`, shown(price)] as const,
      ),
    ]);
  const was = prices(before);
  return [...prices(after)]
    .filter(([name, price]) => shown(was.get(name)) !== price)
    .map(([name, price]) => `${name} ${shown(was.get(name))} → ${price}`);
};

/** The stage's instance types and current table, read from config/<stage>.yml through its schema. */
export const stagePricing = (stage: string, dir?: string) => {
  const config = loadStageConfig(stage, dir);
  return { instanceTypes: config.instances.instanceTypes, table: config.pricing };
};

/**
 * Replaces the `pricing:` section of config/<stage>.yml, keeping the file's other content and its
 * comments, then reads the file back through the schema so a bad write fails here.
 */
export const writePriceTable = (stage: string, table: PriceTable, dir?: string): string => {
  const file = stageConfigPath(stage, dir);
  const document = parseDocument(readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(table)) document.setIn(['pricing', key], value);
  writeFileSync(file, document.toString());
  loadStageConfig(stage, dir);
  return file;
};
