/**
 * Money in whole micro-dollars (1 USD = 1 000 000). Prices are read from decimal text once, exactly,
 * and every sum and product after that is integer arithmetic, so no float drift builds up over a
 * list of environments. Rounding happens only where a rate meets a duration, half up, to the micro.
 */

export const MICROS_PER_DOLLAR = 1_000_000;
const MAX_DECIMALS = 6;

/**
 * `0.0416` or `'0.0416000000'` → 41 600. JSON numbers are read through their shortest decimal text,
 * which is exactly what was written in the YAML. Digits past the sixth decimal are rounded half up
 * (the Pricing API writes ten decimals, all zeros past the fourth for EC2). Undefined for negative,
 * non-finite or exponent-form input.
 */
export const parseUsdMicros = (value: number | string): number | undefined => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  const kept = fraction.slice(0, MAX_DECIMALS).padEnd(MAX_DECIMALS, '0');
  const roundUp = fraction.length > MAX_DECIMALS && Number(fraction[MAX_DECIMALS]) >= 5 ? 1 : 0;
  return Number(whole) * MICROS_PER_DOLLAR + Number(kept) + roundUp;
};

/** `a × b / c`, rounded half up, for non-negative integers whose product stays below 2^53. */
export const mulDivRound = (a: number, b: number, c: number): number =>
  Math.floor((a * b + Math.floor(c / 2)) / c);

/** Micro-dollars as text with `decimals` places, rounded half up: 44 888 → `0.045` (3), `0.04` (2). */
export const formatMicros = (micros: number, decimals: number): string => {
  const unit = 10 ** (MAX_DECIMALS - decimals);
  const rounded = mulDivRound(micros, 1, unit);
  const whole = Math.floor(rounded / 10 ** decimals);
  const fraction = String(rounded % 10 ** decimals).padStart(decimals, '0');
  return decimals === 0 ? String(whole) : `${whole}.${fraction}`;
};
