/** A parsed EventBridge / EventBridge Scheduler schedule expression. */
export type ScheduleExpression =
  | { kind: 'rate'; everyMs: number; text: string }
  | { kind: 'cron'; cron: CronSpec; text: string }
  | { kind: 'at'; wall: WallTime; text: string };

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The six AWS cron fields, each a test on a wall-clock date. */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  months: Set<number>;
  years: (year: number) => boolean;
  /** Day-of-month and day-of-week combined (AWS requires one of them to be `?`). */
  day: (year: number, month: number, day: number) => boolean;
}

export class ScheduleExpressionError extends Error {
  public constructor(expression: string, reason: string) {
    super(`Invalid schedule expression ${expression}: ${reason}`);
    this.name = 'ScheduleExpressionError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const parseRate = (body: string, text: string): ScheduleExpression => {
  const match = /^(\d+)\s+(minute|hour|day)s?$/.exec(body.trim());
  const unit = match?.[2] ? RATE_UNITS[match[2]] : undefined;
  const value = Number(match?.[1]);
  if (!unit || !(value > 0)) throw new ScheduleExpressionError(text, 'expected rate(<n> minutes|hours|days)');
  return { kind: 'rate', everyMs: value * unit, text };
};

const toNumber = (token: string, names: string[], offset: number, text: string): number => {
  const named = names.indexOf(token.toUpperCase());
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(token)) throw new ScheduleExpressionError(text, `unexpected "${token}"`);
  return Number(token);
};

interface FieldRange {
  min: number;
  max: number;
  text: string;
  names: string[];
  offset: number;
}

/** One comma-separated part: `*`, `a`, `a-b`, `a/n`, `*\/n` or `a-b/n`. */
const expandPart = (part: string, f: FieldRange): number[] => {
  const [range = '', stepText] = part.split('/');
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!(step > 0)) throw new ScheduleExpressionError(f.text, `bad step in "${part}"`);
  const [fromText = '', toText] = range.split('-');
  const from = range === '*' ? f.min : toNumber(fromText, f.names, f.offset, f.text);
  // `a/n` runs from a to the field's end; a lone `a` is just a.
  const openEnded = range === '*' || (stepText !== undefined && toText === undefined);
  const to = openEnded ? f.max : toText === undefined ? from : toNumber(toText, f.names, f.offset, f.text);
  if (from < f.min || to > f.max || from > to)
    throw new ScheduleExpressionError(f.text, `"${part}" is outside ${f.min}-${f.max}`);
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
};

/** A standard cron field: comma lists of ranges and steps, within [min, max]. */
export const expandField = (
  field: string,
  min: number,
  max: number,
  text: string,
  names: string[] = [],
  offset = 0,
): number[] => {
  const values = new Set(
    field.split(',').flatMap((part) => expandPart(part, { min, max, text, names, offset })),
  );
  return [...values].sort((a, b) => a - b);
};

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOf = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** `nW`: the weekday nearest to day n, never leaving the month. */
const nearestWeekday = (year: number, month: number, target: number): number => {
  const last = daysInMonth(year, month);
  const day = Math.min(target, last);
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === last ? day - 2 : day + 1;
  return day;
};

const dayOfMonthTest = (field: string, text: string): CronSpec['day'] => {
  if (field === 'L') return (y, m, d) => d === daysInMonth(y, m);
  if (field === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysInMonth(y, m));
  const weekday = /^(\d+)W$/.exec(field);
  if (weekday) return (y, m, d) => d === nearestWeekday(y, m, Number(weekday[1]));
  const days = new Set(expandField(field, 1, 31, text));
  return (_y, _m, d) => days.has(d);
};

const dayOfWeekTest = (field: string, text: string): CronSpec['day'] => {
  if (field === 'L') return (y, m, d) => weekdayOf(y, m, d) === 7;
  const last = /^(\w+)L$/.exec(field);
  if (last?.[1]) {
    const wanted = toNumber(last[1], WEEKDAYS, 1, text);
    return (y, m, d) => weekdayOf(y, m, d) === wanted && d + 7 > daysInMonth(y, m);
  }
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth?.[1]) {
    const wanted = toNumber(nth[1], WEEKDAYS, 1, text);
    const index = Number(nth[2]);
    return (y, m, d) => weekdayOf(y, m, d) === wanted && Math.ceil(d / 7) === index;
  }
  const weekdays = new Set(expandField(field, 1, 7, text, WEEKDAYS, 1));
  return (y, m, d) => weekdays.has(weekdayOf(y, m, d));
};

const parseCron = (body: string, text: string): ScheduleExpression => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(
      text,
      'cron needs six fields: minutes hours day-of-month month day-of-week year',
    );
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?'))
    throw new ScheduleExpressionError(text, 'exactly one of day-of-month and day-of-week must be ?');
  const years = year === '*' ? undefined : new Set(expandField(year, 1970, 2199, text));
  const day = dom === '?' ? dayOfWeekTest(dow, text) : dayOfMonthTest(dom, text);
  return {
    kind: 'cron',
    text,
    cron: {
      minutes: expandField(minutes, 0, 59, text),
      hours: expandField(hours, 0, 23, text),
      months: new Set(expandField(month, 1, 12, text, MONTHS, 1)),
      years: (y) => years === undefined || years.has(y),
      day,
    },
  };
};

const parseAt = (body: string, text: string): ScheduleExpression => {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(body.trim());
  if (!match) throw new ScheduleExpressionError(text, 'expected at(yyyy-mm-ddThh:mm:ss)');
  const [, year, month, day, hour, minute] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { kind: 'at', text, wall: { year, month, day, hour, minute } };
};

export const parseScheduleExpression = (text: string): ScheduleExpression => {
  const match = /^(rate|cron|at)\((.*)\)$/.exec(text.trim());
  if (!match?.[1] || match[2] === undefined)
    throw new ScheduleExpressionError(text, 'expected rate(...), cron(...) or at(...)');
  if (match[1] === 'rate') return parseRate(match[2], text);
  if (match[1] === 'cron') return parseCron(match[2], text);
  return parseAt(match[2], text);
};

export const calendar = { daysInMonth, weekdayOf };
