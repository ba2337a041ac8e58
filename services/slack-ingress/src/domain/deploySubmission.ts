import { parseDeployQuery } from '@branch-envs/shared/deployQuery';
import { FORM, lifetimeChoices } from './deployForm';
import { type DeployCommand, queryRefusal } from './grammar';
import type { IngressSettings } from './ports';

type StateValue = {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[] | null;
  selected_conversation?: string | null;
};
type Values = Record<string, Record<string, StateValue>>;

export type CheckedSubmission =
  | {
      ok: true;
      command: Extract<DeployCommand, { kind: 'deploy' }>;
      channelId: string;
      responseUrl?: string;
    }
  | { ok: false; errors: Record<string, string> };

const fieldOf = (values: Values, field: { block: string; action: string }) =>
  values[field.block]?.[field.action];

/** The query: the branch picked or the query typed, exactly one of them. */
const queryOf = (values: Values): { text: string } | { block: string; error: string } => {
  const picked = fieldOf(values, FORM.branch)?.selected_option?.value?.trim() ?? '';
  const typed = fieldOf(values, FORM.query)?.value?.trim() ?? '';
  if (picked === '' && typed === '')
    return { block: FORM.branch.block, error: 'Pick a branch, or type a query below.' };
  if (picked !== '' && typed !== '')
    return { block: FORM.query.block, error: 'Pick a branch or type a query, not both.' };
  return { text: picked || typed };
};

/**
 * What `view_submission` checks before anything is published: every problem is returned against
 * the block it concerns, as Slack's `response_action: errors` shows them under the field.
 */
const queryCheck = (values: Values, errors: Record<string, string>) => {
  const query = queryOf(values);
  if ('error' in query) {
    errors[query.block] = query.error;
    return undefined;
  }
  const parsed = parseDeployQuery(query.text);
  if (parsed.ok) return { text: query.text, parsed: parsed.query };
  const block = fieldOf(values, FORM.query)?.value ? FORM.query.block : FORM.branch.block;
  errors[block] = queryRefusal(parsed.problem);
  return undefined;
};

export const checkSubmission = (
  values: Values,
  responseUrls: readonly { channelId: string; responseUrl: string }[],
  settings: IngressSettings,
): CheckedSubmission => {
  const errors: Record<string, string> = {};
  const query = queryCheck(values, errors);
  const ttl = Number(fieldOf(values, FORM.lifetime)?.selected_option?.value ?? Number.NaN);
  if (!lifetimeChoices(settings).includes(ttl))
    errors[FORM.lifetime.block] = 'Pick one of the lifetimes offered.';
  const channelId = fieldOf(values, FORM.channel)?.selected_conversation ?? '';
  if (channelId === '') errors[FORM.channel.block] = 'Pick the channel I should tell you in.';
  if (!query || Object.keys(errors).length > 0) return { ok: false, errors };
  const fresh = (fieldOf(values, FORM.fresh)?.selected_options ?? []).some((o) => o.value === 'fresh');
  const responseUrl = responseUrls.find((r) => r.channelId === channelId)?.responseUrl;
  return {
    ok: true,
    command: {
      kind: 'deploy',
      query: query.text,
      parsedQuery: query.parsed,
      ttlSeconds: ttl,
      requestedSeconds: ttl,
      capped: false,
      fresh,
      noFollow: false,
    },
    channelId,
    ...(responseUrl ? { responseUrl } : {}),
  };
};
