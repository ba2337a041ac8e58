import * as z from 'zod';
import { ConfigError } from './errors';
import { parseWallClock } from './nightlySchedule';
import { isKnownTimeZone } from './timeZone';

type Env = Record<string, string | undefined>;

/** Reads an optional environment variable, treating the empty string as absent. */
export const optionalEnv = (name: string, env: Env = process.env): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/**
 * Loads a service's config from the environment through a zod schema whose keys are the variable
 * names. Every problem is reported at once, each naming its variable, so a bad deploy fails at cold
 * start with a message an operator can act on.
 */
export const loadConfig = <S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> => {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    raw[key] = optionalEnv(key, env);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return raw[name] === undefined
        ? `Missing required environment variable ${name}`
        : `Invalid environment variable ${name}: ${issue.message}`;
    });
    throw new ConfigError(problems.join('; '));
  }
  return parsed.data;
};

/**
 * A comma-separated variable (`U123, U456`) as a list of trimmed, non-empty items, each checked with
 * `item`; absent or empty means an empty list.
 */
export const commaSeparated = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(item));

/**
 * A duration variable (`30m`, `4h`, `2d`) in seconds, read with a parser from `./duration` (ingress
 * `parseDuration`, one unit as users type it; the reaper `parseCompoundDuration`, also `1h30m`);
 * `fallback` when unset.
 */
export const durationVariable = (parse: (text: string) => number | undefined, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parse(value);
      if (seconds === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 30m, 4h or 2d` });
        return z.NEVER;
      }
      return seconds;
    });

/**
 * `NIGHTLY_TIME` (`HH:MM`, default 19:00) and `NIGHTLY_TIMEZONE` (IANA, default Europe/Helsinki):
 * the reaper runs the nightly shutdown at that time; ingress and the notifier state it to users.
 * Each service spreads these into its env schema, so the three read them the same way.
 */
export const nightlyVariables = {
  NIGHTLY_TIME: z
    .string()
    .default('19:00')
    .transform((value, ctx) => {
      const parsed = parseWallClock(value);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a 24-hour time like 19:00` });
        return z.NEVER;
      }
      return parsed;
    }),
  NIGHTLY_TIMEZONE: z
    .string()
    .default('Europe/Helsinki')
    .refine(isKnownTimeZone, 'is not a known IANA time zone'),
};

/** The nightly schedule from the parsed `nightlyVariables`. */
export const nightlyConfigOf = (c: {
  NIGHTLY_TIME: { hour: number; minute: number };
  NIGHTLY_TIMEZONE: string;
}): { hour: number; minute: number; timeZone: string } => ({
  ...c.NIGHTLY_TIME,
  timeZone: c.NIGHTLY_TIMEZONE,
});
