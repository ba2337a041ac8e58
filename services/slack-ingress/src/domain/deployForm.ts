import { formatDuration } from '@branch-envs/shared/duration';
import { realEnd } from '@branch-envs/shared/lifetime';
import type { OpenBranch } from '@branch-envs/shared/openBranches';
import { type Clocked, truncate, wallClockPhrase } from '@branch-envs/shared/slack';
import { OPEN_DEPLOY_FORM } from './blocks';
import type { IngressSettings } from './ports';

/**
 * The Deploy form (ADR 0026): a modal with the branch picker (an `external_select` whose options
 * come from the resolver's last listing of open pull requests), a typed query for anything else,
 * the lifetime, `--fresh`, and the channel the conversation continues in.
 */
export const FORM = {
  callbackId: 'deploy_form',
  openAction: OPEN_DEPLOY_FORM,
  shortcut: 'deploy_branch',
  branch: { block: 'branch', action: 'branch' },
  query: { block: 'query', action: 'query' },
  lifetime: { block: 'lifetime', action: 'lifetime' },
  fresh: { block: 'fresh', action: 'fresh' },
  channel: { block: 'channel', action: 'channel' },
} as const;

const CANDIDATE_TTLS = [30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 86_400, 2 * 86_400];
/** Slack's limits: 100 options, 75 characters of option text, 150 of option value. */
const MAX_OPTIONS = 100;
const MAX_OPTION_TEXT = 75;
const MAX_OPTION_VALUE = 150;

const plain = (text: string, max = MAX_OPTION_TEXT) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
});

/** The lifetimes offered: the default, and the usual steps up to the maximum. */
export const lifetimeChoices = (settings: Pick<IngressSettings, 'defaultTtlSeconds' | 'maxTtlSeconds'>) =>
  [...new Set([...CANDIDATE_TTLS, settings.defaultTtlSeconds])]
    .filter((seconds) => seconds <= settings.maxTtlSeconds)
    .sort((a, b) => a - b);

const lifetimeLabel = (seconds: number, settings: IngressSettings, view: Clocked): string => {
  const now = Math.floor(view.now.getTime() / 1000);
  const end = realEnd({ expiresAt: now + seconds, keepOvernight: false }, view.now, view.nightly);
  const until = wallClockPhrase(end.at, view.now, view.nightly.timeZone);
  const tail = end.cause === 'nightly' ? `ends ${until} (nightly)` : `until ${until}`;
  return `${formatDuration(seconds)}${seconds === settings.defaultTtlSeconds ? ' (default)' : ''} · ${tail}`;
};

const option = (text: string, value: string) => ({ text: plain(text), value });

const input = (
  block: string,
  label: string,
  element: Record<string, unknown>,
  optional: boolean,
  hint?: string,
) => ({
  type: 'input',
  block_id: block,
  label: plain(label, 2000),
  optional,
  element,
  ...(hint ? { hint: plain(hint, 2000) } : {}),
});

const pickerBlocks = () => [
  input(
    FORM.branch.block,
    'Branch (open pull requests)',
    {
      type: 'external_select',
      action_id: FORM.branch.action,
      min_query_length: 0,
      placeholder: plain('Type to search'),
    },
    true,
  ),
  input(
    FORM.query.block,
    'Or a query',
    { type: 'plain_text_input', action_id: FORM.query.action, max_length: 256 },
    true,
    'As after /deploy: a branch fragment, a ticket id (ABC-123), #42 or raw:<GitHub search>',
  ),
];

const freshBlock = () =>
  input(
    FORM.fresh.block,
    'Options',
    {
      type: 'checkboxes',
      action_id: FORM.fresh.action,
      options: [option('A new environment even if the branch runs (--fresh)', 'fresh')],
    },
    true,
  );

const channelBlock = (channelId?: string) =>
  input(
    FORM.channel.block,
    'Where I tell you how it goes',
    {
      type: 'conversations_select',
      action_id: FORM.channel.action,
      response_url_enabled: true,
      default_to_current_conversation: true,
      ...(channelId ? { initial_conversation: channelId } : {}),
    },
    false,
  );

/** The modal `views.open` sends. `channelId` preselects where the form was opened from, if anywhere. */
export const deployFormView = (settings: IngressSettings, view: Clocked, channelId?: string) => {
  const choices = lifetimeChoices(settings).map((s) => option(lifetimeLabel(s, settings, view), String(s)));
  const initial = choices.find((c) => c.value === String(settings.defaultTtlSeconds)) ?? choices[0];
  const lifetime = { type: 'static_select', action_id: FORM.lifetime.action, options: choices };
  return {
    type: 'modal',
    callback_id: FORM.callbackId,
    title: plain('Deploy a branch', 24),
    submit: plain('Deploy', 24),
    close: plain('Cancel', 24),
    blocks: [
      ...pickerBlocks(),
      input(
        FORM.lifetime.block,
        'Lifetime',
        { ...lifetime, ...(initial ? { initial_option: initial } : {}) },
        false,
      ),
      freshBlock(),
      channelBlock(channelId),
    ],
  };
};

/** Type-ahead options: open pull requests whose branch, number or title contains what was typed. */
export const branchOptions = (branches: readonly OpenBranch[], typed: string) => {
  const needle = typed.trim().toLowerCase().replace(/^#/, '');
  return branches
    .filter((b) => b.branch.length <= MAX_OPTION_VALUE)
    .filter(
      (b) =>
        needle === '' ||
        b.branch.toLowerCase().includes(needle) ||
        String(b.prNumber) === needle ||
        b.title.toLowerCase().includes(needle),
    )
    .slice(0, MAX_OPTIONS)
    .map((b) => option(`#${b.prNumber} ${b.branch} · ${b.title}`, b.branch));
};
