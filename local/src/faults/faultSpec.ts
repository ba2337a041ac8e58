/**
 * Which dependencies the fault layer disturbs, and how often: `--faults 0.3` (every dependency) or
 * `--faults aws=0.2,github=0.5,slack=0.3,instance=0.1` (the others stay clean).
 */
export const DEPENDENCIES = ['aws', 'github', 'slack', 'instance'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** The probability, per request, that a dependency answers with a fault instead of its real answer. */
export type FaultRates = Record<Dependency, number>;

export const NO_FAULTS: FaultRates = { aws: 0, github: 0, slack: 0, instance: 0 };

export class FaultSpecError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const USAGE = 'use a rate for all (--faults 0.3) or per dependency (--faults aws=0.2,github=0.5)';

const rateOf = (text: string, what: string): number => {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new FaultSpecError(`${what} must be a number from 0 to 1, not "${text}"; ${USAGE}`);
  return rate;
};

const isDependency = (name: string): name is Dependency => (DEPENDENCIES as readonly string[]).includes(name);

/** Parses a `--faults` value; throws FaultSpecError naming the bad part. */
export const parseFaultSpec = (spec: string): FaultRates => {
  const text = spec.trim();
  if (!text.includes('=')) {
    const rate = rateOf(text, 'the fault rate');
    return { aws: rate, github: rate, slack: rate, instance: rate };
  }
  const rates: FaultRates = { ...NO_FAULTS };
  for (const part of text.split(',')) {
    const [name = '', value = '', ...rest] = part.split('=').map((s) => s.trim());
    if (rest.length > 0 || !isDependency(name))
      throw new FaultSpecError(
        `"${part.trim()}" is not <dependency>=<rate>; dependencies are ${DEPENDENCIES.join(', ')}`,
      );
    rates[name] = rateOf(value, `the rate for ${name}`);
  }
  return rates;
};

/** The `--faults <spec>` (or `--faults=<spec>`) value in argv, if any. */
export const faultsArgument = (argv: readonly string[]): string | undefined => {
  const index = argv.findIndex((arg) => arg === '--faults' || arg.startsWith('--faults='));
  if (index < 0) return undefined;
  const arg = argv[index] ?? '';
  const value = arg.includes('=') ? arg.slice('--faults='.length) : argv[index + 1];
  if (value === undefined || value.startsWith('--'))
    throw new FaultSpecError(`--faults needs a value; ${USAGE}`);
  return value;
};

export const describeRates = (rates: FaultRates): string =>
  DEPENDENCIES.map((d) => `${d} ${Math.round(rates[d] * 100)}%`).join(', ');

/**
 * The SQS visibility cap (seconds) to run with when faults are on. Locally the runner caps each
 * queue's visibility timeout (5 s by default) so failures come back quickly; but a redelivery that
 * comes back sooner than the function's timeout finds Powertools' INPROGRESS idempotency record
 * (kept for the invocation's remaining time) still there, and fails again until the DLQ. In AWS the
 * queues' visibility (180–360 s) outlasts every function's timeout (≤ 60 s); this keeps that order.
 */
export const FAULTS_VISIBILITY_SECONDS = 65;
