/**
 * Redaction of collected logs (ADR 0030): what leaves the provisioner has had the well-known token
 * shapes and the stage's own patterns replaced by `[REDACTED]`; the app's secret values were
 * replaced on the instance already (the logs document), since the provisioner never reads them
 * (ADR 0011). Pure, so each rule is pinned by a unit test, including the text it must leave alone.
 */

export const REDACTED = '[REDACTED]';

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
  /** `logs.redact` from the stage config. */
  patterns: readonly string[];
}

/** Every rule over the text: the token shapes, then the configured patterns. */
export const redact = (text: string, input: RedactionInput): Redaction => {
  const rules = [...BUILT_IN_RULES, ...configuredRules(input.patterns)];
  return rules.reduce<Redaction>(
    (done, rule) => {
      const next = applyRule(done.text, rule);
      return { text: next.text, count: done.count + next.count };
    },
    { text, count: 0 },
  );
};
