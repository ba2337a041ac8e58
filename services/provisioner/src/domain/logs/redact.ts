/**
 * Redaction of collected logs (ADR 0030): what leaves the provisioner has had the app's secrets, the
 * well-known token shapes and the stage's own patterns replaced by `[REDACTED]`. Pure, so each rule
 * is pinned by a unit test, including the text it must leave alone.
 */

export const REDACTED = '[REDACTED]';

/**
 * App secret values shorter than this are not replaced wherever they appear: a 4-character value
 * such as `true` or `8080` would blank ordinary log text. The built-in patterns still apply.
 */
export const MIN_SECRET_LENGTH = 6;

interface Rule {
  name: string;
  pattern: RegExp;
  /** Keeps the part of the match that is not secret (e.g. `Bearer `, `X-Amz-Signature=`). */
  keep?: (match: string, ...groups: string[]) => string;
}

const keepFirstGroup = (_match: string, prefix: string) => prefix;

/** Token shapes that are secret wherever they appear. */
export const BUILT_IN_RULES: readonly Rule[] = [
  { name: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}\b/g },
  {
    name: 'aws-secret-access-key',
    pattern: /((?:aws_?secret_?access_?key|secretAccessKey)["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/gi,
    keep: keepFirstGroup,
  },
  { name: 'slack-token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{6,}/g },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { name: 'bearer-token', pattern: /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, keep: keepFirstGroup },
  {
    name: 'presigned-url-signature',
    pattern: /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature)=)[^&\s"'<>]+/gi,
    keep: keepFirstGroup,
  },
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Literal rules for the app's secret values, longest first so a value inside another goes with it. */
const secretRules = (values: readonly string[]): Rule[] =>
  [...new Set(values.map((v) => v.trim()).filter((v) => v.length >= MIN_SECRET_LENGTH))]
    .sort((a, b) => b.length - a.length)
    .map((value) => ({ name: 'app-secret', pattern: new RegExp(escapeRegExp(value), 'g') }));

/** The stage config's `logs.redact` patterns (already checked to compile by the config schema). */
export const configuredRules = (sources: readonly string[]): Rule[] =>
  sources.map((source, index) => ({ name: `configured-${index + 1}`, pattern: new RegExp(source, 'g') }));

export interface Redaction {
  text: string;
  /** How many matches were replaced, over all rules. */
  count: number;
}

const applyRule = (text: string, rule: Rule): Redaction => {
  let count = 0;
  const replaced = text.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
    if (match === '') return match;
    count += 1;
    const groups = rest.filter((r): r is string => typeof r === 'string');
    return `${rule.keep ? rule.keep(match, ...groups) : ''}${REDACTED}`;
  });
  return { text: replaced, count };
};

export interface RedactionInput {
  /** The app's secret values as the instance receives them. */
  secretValues: readonly string[];
  /** `logs.redact` from the stage config. */
  patterns: readonly string[];
}

/** Every rule over the text: the app's secrets first, then the token shapes, then the configured patterns. */
export const redact = (text: string, input: RedactionInput): Redaction => {
  const rules = [...secretRules(input.secretValues), ...BUILT_IN_RULES, ...configuredRules(input.patterns)];
  return rules.reduce<Redaction>(
    (done, rule) => {
      const next = applyRule(done.text, rule);
      return { text: next.text, count: done.count + next.count };
    },
    { text, count: 0 },
  );
};
