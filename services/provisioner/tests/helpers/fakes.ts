import type { DetailOf, EventContract } from '@branch-envs/shared/envelope';
import { buildEvent, type OutgoingEvent, type Publisher } from '@branch-envs/shared/publish';
import type {
  HealthResult,
  InstanceObservation,
  Instances,
  LaunchAttempt,
  LaunchedInstance,
  LaunchSpec,
  ProbeMessageBody,
  ProbeScheduler,
} from '../../src/domain/ports';
import { CapacityError } from '../../src/errors';

/**
 * A publisher that builds every event exactly as the real one does (contract validation included)
 * and keeps it, instead of sending it to EventBridge.
 */
export class RecordingPublisher implements Publisher {
  public readonly events: { detailType: string; detail: { metadata: { eventId: string }; data: unknown } }[] =
    [];
  public failNext = 0;

  public async publish(events: readonly OutgoingEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('EventBridge is down');
    }
    const built = events.map((event) => buildEvent(event, 'provisioner', new Date()));
    this.events.push(...built);
    return built.map((b) => ({ detailType: b.detailType, metadata: b.detail.metadata }));
  }

  public types(): string[] {
    return this.events.map((e) => e.detailType);
  }

  public dataOf<C extends EventContract>(contract: C): DetailOf<C>['data'][] {
    return this.events
      .filter((e) => e.detailType === contract.detailType)
      .map((e) => e.detail.data as DetailOf<C>['data']);
  }
}

/** EC2 in memory: instances by id, with scripted capacity errors and observations. */
export class FakeInstances implements Instances {
  public readonly launched: {
    spec: LaunchSpec;
    attempt: LaunchAttempt;
    index: number;
    instanceId: string;
  }[] = [];
  public readonly terminated: string[] = [];
  public readonly observations = new Map<string, InstanceObservation>();
  public capacityShortages = 0;
  public runError: Error | undefined;
  public beforeRun: (() => Promise<void>) | undefined;
  private counter = 0;

  public async run(spec: LaunchSpec, attempt: LaunchAttempt, index: number): Promise<LaunchedInstance> {
    await this.beforeRun?.();
    if (this.runError) throw this.runError;
    if (this.capacityShortages > 0) {
      this.capacityShortages -= 1;
      throw new CapacityError('InsufficientInstanceCapacity', `no ${attempt.instanceType} capacity`);
    }
    this.counter += 1;
    const instanceId = `i-${this.counter.toString(16).padStart(17, '0')}`;
    this.launched.push({ spec, attempt, index, instanceId });
    this.observations.set(instanceId, { state: 'pending', privateIp: '10.0.0.5' });
    return {
      instanceId,
      instanceType: attempt.instanceType,
      market: attempt.market,
      availabilityZone: 'eu-north-1a',
    };
  }

  public async terminate(instanceId: string): Promise<void> {
    this.terminated.push(instanceId);
    this.observations.set(instanceId, { state: 'terminated' });
  }

  public async describe(instanceId: string): Promise<InstanceObservation> {
    return this.observations.get(instanceId) ?? { state: 'missing' };
  }

  public async launchedFor(deployId: string): Promise<LaunchedInstance | undefined> {
    const alive = (id: string) => ['pending', 'running'].includes(this.observations.get(id)?.state ?? '');
    const found = this.launched.find((l) => l.spec.deployId === deployId && alive(l.instanceId));
    return found
      ? {
          instanceId: found.instanceId,
          instanceType: found.attempt.instanceType,
          market: found.attempt.market,
        }
      : undefined;
  }
}

export class FakeProbes implements ProbeScheduler {
  public readonly sent: { message: ProbeMessageBody; delaySeconds: number }[] = [];

  public async schedule(message: ProbeMessageBody, delaySeconds: number): Promise<void> {
    this.sent.push({ message, delaySeconds });
  }
}

/** Answers health checks from a script: one result per call, the last one repeating. */
export const scriptedHealth = (...results: HealthResult[]) => {
  const urls: string[] = [];
  return {
    urls,
    async check(url: string): Promise<HealthResult> {
      urls.push(url);
      const result = results.length > 1 ? results.shift() : results[0];
      return result ?? { healthy: false, observation: 'no script' };
    },
  };
};
