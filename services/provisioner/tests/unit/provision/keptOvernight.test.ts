import { Logger } from '@aws-lambda-powertools/logger';
import { capacityOf } from '../../../src/domain/provision/launchPlan';
import { newRecord } from '../../../src/domain/provision/provisioner';
import { provisionSettings, resolvedDetail } from '../../helpers/factories';
import { provisionerWorld } from '../../helpers/provisionerWorld';

/** ADR 0028: a deploy already kept overnight when it launches goes on-demand unless it asked for --spot. */
const NOW = new Date('2026-11-26T09:00:05.000Z');
const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });

describe('the capacity of a deploy kept overnight', () => {
  it.each([
    [undefined, false, undefined],
    [undefined, true, 'on-demand'],
    ['spot', true, 'spot'],
    ['on-demand', false, 'on-demand'],
    ['spot', false, 'spot'],
  ] as const)('is %s (kept overnight: %s) → %s', (capacity, keepOvernight, expected) => {
    // Act + Assess
    expect(capacityOf({ ...(capacity ? { capacity } : {}), keepOvernight })).toBe(expected);
  });

  it('launches on-demand, over a spot-then-on-demand stage, when [Keep overnight] came before the launch', async () => {
    // Prepare: the REQUESTED record ingress wrote, kept overnight by the reaper before the launch
    const world = provisionerWorld(NOW, provisionSettings({ launch: { capacity: 'spot-then-on-demand' } }));
    const detail = resolvedDetail();
    await world.repository.create({ ...newRecord(detail, NOW), status: 'REQUESTED', keepOvernight: true });

    // Act
    await world.handle({ detail, log });

    // Assess
    expect(world.instances.launched.map((l) => l.attempt.market)).toEqual(['on-demand']);
    expect(await world.repository.get(detail.data.deployId)).toMatchObject({ market: 'on-demand' });
  });

  it('still launches on Spot when the deploy asked for --spot explicitly', async () => {
    // Prepare
    const world = provisionerWorld(NOW, provisionSettings({ launch: { capacity: 'on-demand' } }));
    const detail = resolvedDetail();
    await world.repository.create({
      ...newRecord(detail, NOW),
      status: 'REQUESTED',
      keepOvernight: true,
      capacity: 'spot',
    });

    // Act
    await world.handle({ detail, log });

    // Assess
    expect(world.instances.launched.map((l) => l.attempt.market)).toEqual(['spot']);
  });
});
