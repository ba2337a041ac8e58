/** The pieces of the readiness bench (readiness.ts): clock, app server, virtual probe queue, stats. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Publisher } from '@branch-envs/shared/publish';
import type { ProbeMessageBody, ProbeScheduler } from '../../services/provisioner/src/domain/ports';

/** Real time while code runs, plus every delay that was skipped. */
export class Clock {
  private skew = 0;
  public now = (): number => Date.now() + this.skew;
  public skipTo(at: number): void {
    this.skew += Math.max(0, at - this.now());
  }
}

/** The app of every instance at `/<instanceId>/…`: 503 until its `healthyAt`, then 200, by `now`. */
export const startApp = async (now: () => number) => {
  const healthyAt = new Map<string, number>();
  const server = createServer((request, response) => {
    const instanceId = (request.url ?? '').split('/')[1] ?? '';
    const at = healthyAt.get(instanceId);
    response.statusCode = at !== undefined && now() >= at ? 200 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { healthyAt, template: `http://127.0.0.1:${port}/{instanceId}/`, close: () => server.close() };
};

/** The real publisher, noting by `now` when each deployment's InstanceReady was sent. */
export const timingPublisher = (
  inner: Publisher<'provisioner'>,
  now: () => number,
  readyAt: Map<string, number>,
): Publisher<'provisioner'> => ({
  async publish(events) {
    const published = await inner.publish(events);
    for (const event of events) {
      if (event.contract.detailType === 'InstanceReady') {
        readyAt.set((event.data as { deployId: string }).deployId, now());
      }
    }
    return published;
  },
});

/** The probe queue on the virtual clock: a message comes out once its DelaySeconds have passed. */
export class VirtualQueue implements ProbeScheduler {
  private readonly items: { visibleAt: number; body: string }[] = [];

  public constructor(private readonly clock: Clock) {}

  public async schedule(message: ProbeMessageBody, delaySeconds: number): Promise<void> {
    this.items.push({ visibleAt: this.clock.now() + delaySeconds * 1000, body: JSON.stringify(message) });
    this.items.sort((a, b) => a.visibleAt - b.visibleAt);
  }

  public next(): { visibleAt: number; body: string } | undefined {
    return this.items.shift();
  }

  public peek(): { visibleAt: number; body: string } | undefined {
    return this.items[0];
  }
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const seconds = (ms: number): number => Math.round(ms / 10) / 100;

export const summarize = (delaysMs: number[], invocations: number[]) => ({
  delaySeconds: {
    p50: seconds(percentile(delaysMs, 50)),
    p95: seconds(percentile(delaysMs, 95)),
    max: seconds(Math.max(...delaysMs)),
    mean: seconds(delaysMs.reduce((a, b) => a + b, 0) / delaysMs.length),
  },
  invocationsPerDeploy: {
    min: Math.min(...invocations),
    max: Math.max(...invocations),
    mean: Math.round((invocations.reduce((a, b) => a + b, 0) / invocations.length) * 10) / 10,
  },
});

/** When each trial's app turns healthy after launch: spread over 15 s to 5 min, off the probe grid. */
export const healthyOffsetsMs = (count: number): number[] =>
  Array.from(
    { length: count },
    (_, i) => 15_000 + ((Math.round((i * 285_000) / Math.max(1, count - 1)) + i * 1_337) % 285_000),
  );
