import type { Publisher } from '@branch-envs/shared/publish';
import { createProvisionerEvents } from '../../src/adapters/provisionerEvents';
import { newRecord } from '../../src/domain/provision/provisioner';
import { resolvedDetail } from '../helpers/factories';
import { RecordingPublisher } from '../helpers/fakes';

const NOW = new Date('2026-11-26T09:00:05.000Z');
const instance = {
  instanceId: 'i-0abc123def4567890',
  instanceType: 't3.medium',
  market: 'on-demand' as const,
};

describe('the provisioner events port', () => {
  it('returns the metadata InstanceLaunched was published with, for the probes to be caused by', async () => {
    // Prepare
    const publisher = new RecordingPublisher();
    const detail = resolvedDetail();

    // Act
    const metadata = await createProvisionerEvents(publisher).launched(
      detail,
      newRecord(detail, NOW),
      instance,
    );

    // Assess
    expect(metadata).toEqual(publisher.events[0]?.detail.metadata);
    expect(metadata.causationId).toBe(detail.metadata.eventId);
  });

  it('throws when the publisher returns no metadata for InstanceLaunched', async () => {
    // Prepare
    const silent: Publisher = { publish: async () => [] };
    const detail = resolvedDetail();

    // Act
    const launched = createProvisionerEvents(silent).launched(detail, newRecord(detail, NOW), instance);

    // Assess
    await expect(launched).rejects.toThrow('no metadata for InstanceLaunched');
  });

  it('clips a failure to the contract limits before publishing it', async () => {
    // Prepare
    const publisher = new RecordingPublisher();
    const detail = resolvedDetail();

    // Act
    await createProvisionerEvents(publisher).failed(detail.metadata, detail.data, {
      reason: 'launch_error',
      message: 'x'.repeat(5000),
      hints: [],
    });

    // Assess
    const [event] = publisher.events;
    expect((event?.detail.data as { message: string }).message).toHaveLength(1000);
  });
});
