import { randomUUID } from 'node:crypto';
import type { ScheduleBinding } from '../templates/runtimeBindings';
import type { InvokeResult } from './functionHost';
import { nextFireTime } from './nextFire';
import { parseScheduleExpression, type ScheduleExpression } from './scheduleExpression';

export interface ScheduleClockOptions {
  schedules: ScheduleBinding[];
  region: string;
  accountId: string;
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  onFire?(schedule: ScheduleBinding, result: InvokeResult, at: Date): void;
  now?: () => number;
}

export class UnknownScheduleError extends Error {
  public constructor(name: string, known: string[]) {
    super(`No schedule named ${name}. Known: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownScheduleError';
  }
}

interface Entry {
  binding: ScheduleBinding;
  expression: ScheduleExpression;
  timezone: string;
  timer?: NodeJS.Timeout;
  next?: number;
}

/** EventBridge's "Scheduled Event", or the target's configured Input when there is one. */
export const scheduledEvent = (
  binding: ScheduleBinding,
  at: Date,
  region: string,
  accountId: string,
): unknown =>
  binding.input !== undefined
    ? binding.input
    : {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: accountId,
        time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: [binding.arn],
        detail: {},
      };

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** setTimeout caps at ~24.8 days; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fires every schedule of every stack at its next time (cron and one-time schedules in their own time
 * zone, correct across DST), and on demand by name. Names are matched loosely: the schedule's logical
 * id, the function name, or either without punctuation and case.
 */
export class ScheduleClock {
  private readonly entries: Entry[];
  private running = false;
  private readonly startedAt: number;

  public constructor(private readonly options: ScheduleClockOptions) {
    this.startedAt = this.now();
    this.entries = options.schedules.map((binding) => ({
      binding,
      expression: parseScheduleExpression(binding.expression),
      timezone: binding.timezone ?? 'UTC',
    }));
  }

  public list(): { id: string; functionName: string; expression: string; timezone: string; next?: string }[] {
    return this.entries.map((entry) => ({
      id: entry.binding.id,
      functionName: entry.binding.functionName,
      expression: entry.binding.expression,
      timezone: entry.timezone,
      next: entry.next === undefined ? undefined : new Date(entry.next).toISOString(),
    }));
  }

  public start(): void {
    this.running = true;
    for (const entry of this.entries) if (entry.binding.enabled) this.arm(entry);
  }

  public stop(): void {
    this.running = false;
    for (const entry of this.entries) clearTimeout(entry.timer);
  }

  /** Fires the schedules matching `name` now; throws when none match. */
  public async fire(name: string): Promise<{ schedule: ScheduleBinding; result: InvokeResult }[]> {
    const wanted = normalise(name);
    const matches = this.entries.filter(
      (e) =>
        normalise(e.binding.id) === wanted ||
        normalise(e.binding.functionName) === wanted ||
        normalise(e.binding.functionName).endsWith(wanted),
    );
    if (matches.length === 0)
      throw new UnknownScheduleError(
        name,
        this.entries.map((e) => e.binding.id),
      );
    const results = [];
    for (const entry of matches)
      results.push({ schedule: entry.binding, result: await this.fireEntry(entry) });
    return results;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private arm(entry: Entry): void {
    if (!this.running) return;
    const now = this.now();
    entry.next = nextFireTime(entry.expression, now, entry.timezone, this.startedAt);
    if (entry.next === undefined) return;
    const wait = Math.min(entry.next - now, MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      if (entry.next !== undefined && this.now() >= entry.next)
        void this.fireEntry(entry).finally(() => this.arm(entry));
      else this.arm(entry);
    }, wait);
    entry.timer.unref();
  }

  private async fireEntry(entry: Entry): Promise<InvokeResult> {
    const { region, accountId, invoke, onFire } = this.options;
    const at = new Date(this.now());
    const result = await invoke(
      entry.binding.functionName,
      scheduledEvent(entry.binding, at, region, accountId),
    );
    onFire?.(entry.binding, result, at);
    return result;
  }
}
