import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from '@branch-envs/shared/stageConfig/load';
import { parse } from 'yaml';
import { deliver } from '../helpers/ec2Faults';
import { resolvedDetail } from '../helpers/factories';
import {
  instancesOf,
  type MotoPlatform,
  motoClients,
  motoConfigFor,
  motoHandlers,
  motoPlatform,
} from '../helpers/motoStack';

const clients = motoClients();
/** config/local.yml's price table, as the local stack's provisioner receives it. */
const localPricing = JSON.stringify(
  (parse(readFileSync(join(CONFIG_DIR, 'local.yml'), 'utf8')) as { pricing: unknown }).pricing,
);

describe('a Spot launch on moto', () => {
  let platform: MotoPlatform;

  beforeAll(async () => {
    platform = await motoPlatform(clients);
  }, 60_000);

  it('launches with InstanceMarketOptions spot and records the market and the Spot rate', async () => {
    // Prepare
    const config = motoConfigFor(platform, {
      CAPACITY: 'spot-then-on-demand',
      PRICE_TABLE_JSON: localPricing,
    });
    const { provision, repository } = motoHandlers(config, clients);
    const detail = resolvedDetail();

    // Act
    const response = await deliver(provision, detail);

    // Assess: moto marks a RunInstances with market options as a Spot instance
    expect(response.batchItemFailures).toEqual([]);
    const [instance] = await instancesOf(clients.ec2, detail.data.deployId);
    expect(instance).toMatchObject({ InstanceType: 't3.medium', InstanceLifecycle: 'spot' });
    const record = await repository.get(detail.data.deployId);
    // 12 500 (t3.medium Spot in config/local.yml) + round(30 GB × 80 000 / 730) = 15 788 µ$/h
    expect(record).toMatchObject({
      status: 'RUNNING',
      market: 'spot',
      cost: { market: 'spot', instanceType: 't3.medium', hourlyMicros: 15_788 },
    });
  });
});
