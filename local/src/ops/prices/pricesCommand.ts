import type { EC2Client } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { stringify } from 'yaml';
import type { OpsTarget } from '../target';
import { PRICING_API_REGION } from './pricingApi';
import { priceChanges, refreshPriceTable, stagePricing, writePriceTable } from './refreshPrices';

interface PricesIo {
  target: OpsTarget;
  clients: { ec2: EC2Client };
  result(value: unknown, human: string, ok?: boolean): void;
}

/**
 * `branch-envs ops --stage <s> prices [--write]`. The local stack has no Pricing API (moto has none),
 * so `--local` is refused rather than answered with made-up prices; config/local.yml is edited by hand.
 */
export const pricesAction = async (io: PricesIo, write: boolean): Promise<void> => {
  if (io.target.local)
    throw new Error('prices come from the AWS Pricing API, which the local stack does not have; use --stage');
  const { instanceTypes, table: before } = stagePricing(io.target.stage);
  const pricing = new PricingClient({ region: PRICING_API_REGION });
  try {
    const table = await refreshPriceTable(instanceTypes, io.target.region, {
      pricing,
      ec2: io.clients.ec2,
      now: () => new Date(),
    });
    const changes = priceChanges(before, table);
    const file = write ? writePriceTable(io.target.stage, table) : undefined;
    const summary = changes.length > 0 ? changes.join('\n') : 'No price changed.';
    const where = file ? `Wrote ${file}.` : 'Not written; run again with --write to update config.';
    io.result(
      { table, changes, written: file ?? null },
      `${stringify({ pricing: table })}\n${summary}\n${where}`,
    );
  } finally {
    pricing.destroy();
  }
};
