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

const valueOf = (values: Values, field: { block: string; action: string }) =>
  values[field.block]?.[field.action];

/** The query: the branch picked or the query typed, exactly one of them. */
const queryOf = (values: Values): { text: string } | { block: string; error: string } => {
  const picked = valueOf(values, FORM.branch)?.selected_option?.value?.trim() ?? '';
  const typed = valueOf(values, FORM.query)?.value?.trim() ?? '';
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
export const checkSubmission = (
  values: Values,
  responseUrls: readonly { channelId: string; responseUrl: string }[],
  settings: IngressSettings,
): CheckedSubmission => {
  const errors: Record<string, string> = {};
  const query = queryOf(values);
  const parsed = 'text' in query ? parseDeployQuery(query.text) : undefined;
  if ('error' in query) errors[query.block] = query.error;
  else if (parsed && !parsed.ok)
    errors[valueOf(values, FORM.query)?.value ? FORM.query.block : FORM.branch.block] = queryRefusal(
      parsed.problem,
    );
  const ttl = Number(valueOf(values, FORM.lifetime)?.selected_option?.value ?? Number.NaN);
  if (!lifetimeChoices(settings).includes(ttl))
    errors[FORM.lifetime.block] = 'Pick one of the lifetimes offered.';
  const channelId = valueOf(values, FORM.channel)?.selected_conversation ?? '';
  if (channelId === '') errors[FORM.channel.block] = 'Pick the channel I should tell you in.';
  if (Object.keys(errors).length > 0 || !parsed?.ok || !('text' in query)) return { ok: false, errors };
  const fresh = (valueOf(values, FORM.fresh)?.selected_options ?? []).some((o) => o.value === 'fresh');
  const responseUrl = responseUrls.find((r) => r.channelId === channelId)?.responseUrl;
  return {
    ok: true,
    command: {
      kind: 'deploy',
      query: query.text,
      parsedQuery: parsed.query,
      ttlSeconds: ttl,
      requestedSeconds: ttl,
      capped: false,
      fresh,
    },
    channelId,
    ...(responseUrl ? { responseUrl } : {}),
  };
};
