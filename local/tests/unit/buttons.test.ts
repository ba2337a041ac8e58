import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseButtonPress } from '../../../services/slack-ingress/src/handlers/forms';
import { blockActionsPayload } from '../../src/cli/blockActions';
import { createButtonNumbering, fileButtonStore, type RememberedButton } from '../../src/cli/buttons';
import { rememberedButton } from '../../src/cli/pressFlow';
import { classifyReply } from '../../src/cli/replyKind';
import type { StackEndpoints } from '../../src/stack/stateFile';
import { renderSlackMessage } from '../../src/standins/slackRender';

const candidates = {
  response_type: 'ephemeral',
  text: 'login matches two branches',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: ':mag: *login* matches two branches' } },
    {
      type: 'actions',
      block_id: 'candidates',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Deploy this' },
          action_id: 'deploy_candidate',
          value: 'feature/ABC-123-login-page',
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Terminate' },
          action_id: 'terminate',
          value: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
          style: 'danger',
          confirm: {
            title: { type: 'plain_text', text: 'Terminate this environment?' },
            text: { type: 'mrkdwn', text: 'It will be shut down now.' },
          },
        },
      ],
    },
  ],
};

const source = {
  channelId: 'C0LOCAL01',
  messageTs: '1764600000.000100',
  ephemeral: true,
  payload: candidates,
};

const numbered = (): RememberedButton[] => {
  const numbering = createButtonNumbering();
  renderSlackMessage(candidates, { button: numbering.forMessage(source) });
  return numbering.buttons;
};

describe('button numbering', () => {
  it('numbers each button as printed and remembers its action, value, block and confirm', () => {
    // Prepare
    const numbering = createButtonNumbering();

    // Act
    const lines = renderSlackMessage(candidates, { button: numbering.forMessage(source) });

    // Assess
    expect(lines).toContain('[1: Deploy this] [2: Terminate]');
    expect(
      numbering.buttons.map(({ n, actionId, value, blockId }) => ({ n, actionId, value, blockId })),
    ).toEqual([
      { n: 1, actionId: 'deploy_candidate', value: 'feature/ABC-123-login-page', blockId: 'candidates' },
      { n: 2, actionId: 'terminate', value: '01ARZ3NDEKTSV4RRFFQ69G5FAV', blockId: 'candidates' },
    ]);
    expect(numbering.buttons[1]?.confirm).toEqual({
      title: 'Terminate this environment?',
      text: 'It will be shut down now.',
    });
  });
});

describe('blockActionsPayload', () => {
  it('is the block_actions payload Slack documents, and slack-ingress reads it as a button press', () => {
    // Prepare
    const [button] = numbered();

    // Act
    const payload = blockActionsPayload(button as RememberedButton, { userId: 'U0LOCAL1' }, 1764600123456);
    const press = parseButtonPress(new URLSearchParams([['payload', JSON.stringify(payload)]]));

    // Assess
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0LOCAL1', team_id: 'T0LOCAL01' },
      container: {
        type: 'message',
        message_ts: '1764600000.000100',
        channel_id: 'C0LOCAL01',
        is_ephemeral: true,
      },
      team: { id: 'T0LOCAL01' },
      channel: { id: 'C0LOCAL01' },
      actions: [
        {
          type: 'button',
          action_id: 'deploy_candidate',
          block_id: 'candidates',
          value: 'feature/ABC-123-login-page',
          text: { type: 'plain_text', text: 'Deploy this', emoji: true },
          action_ts: '1764600123.456000',
        },
      ],
    });
    expect(payload).not.toHaveProperty('message');
    expect(String(payload.response_url)).toMatch(
      /^https:\/\/hooks\.slack\.com\/actions\/T0LOCAL01\/\d{13}\/[\w-]+$/,
    );
    expect(press).toMatchObject({ actionId: 'deploy_candidate', value: 'feature/ABC-123-login-page' });
  });

  it('echoes a message the app posted (not ephemeral) in `message`, as Slack does', () => {
    // Prepare
    const [button] = numbered();
    const posted = { ...(button as RememberedButton), source: { ...source, ephemeral: false } };

    // Act
    const payload = blockActionsPayload(posted, { userId: 'U0LOCAL1' });

    // Assess
    expect(payload.message).toMatchObject({
      type: 'message',
      ts: '1764600000.000100',
      blocks: candidates.blocks,
    });
  });
});

describe('remembered buttons', () => {
  const endpoints = { startedAt: '2026-12-01T00:00:00.000Z' } as StackEndpoints;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'buttons-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survive a new process: another store on the same state dir finds button 2', () => {
    // Prepare
    fileButtonStore(dir).save({ stackStartedAt: endpoints.startedAt, buttons: numbered() });

    // Act
    const button = rememberedButton(fileButtonStore(dir).load(), endpoints, 2);

    // Assess
    expect(button.actionId).toBe('terminate');
  });

  it('are refused with a clear message when there are none, the number is wrong or the stack restarted', () => {
    // Prepare
    const board = { stackStartedAt: endpoints.startedAt, buttons: numbered() };

    // Act / Assess
    expect(() => rememberedButton(undefined, endpoints, 1)).toThrow(/No buttons to press/);
    expect(() => rememberedButton(board, endpoints, 3)).toThrow(
      'There is no button 3; the last buttons printed were 1, 2.',
    );
    expect(() => rememberedButton({ ...board, stackStartedAt: 'earlier' }, endpoints, 1)).toThrow(
      /has stopped since/,
    );
  });
});

describe('classifyReply', () => {
  const ours = 'https://hooks.slack.com/commands/T0LOCAL01/1/ours';
  const deployId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const requestId = '01ARZ3NDEKTSV4RRFFQ69G5FAW';
  const reply = (text: string) => ({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

  it('follows a deploy whose record this conversation opened', async () => {
    const lookup = async (id: string) => (id === deployId ? { responseUrl: ours } : undefined);
    await expect(
      classifyReply(reply(`Looking for … (deploy \`${deployId}\`)`), ours, lookup),
    ).resolves.toEqual({
      kind: 'deploy',
      deployId,
    });
  });

  it('waits for the answer to a published request, whose id no record has', async () => {
    const lookup = async (id: string) => (id === deployId ? { responseUrl: 'elsewhere' } : undefined);
    const text = `Terminating deploy \`${deployId}\`… (request \`${requestId}\`)`;
    await expect(classifyReply(reply(text), ours, lookup)).resolves.toEqual({ kind: 'request' });
  });

  it('does not wait after help, a refusal, a list or a status: nothing can follow them', async () => {
    const lookup = async () => ({ responseUrl: 'elsewhere' });
    await expect(classifyReply(reply('Usage: /deploy <branch>'), ours, lookup)).resolves.toEqual({
      kind: 'none',
    });
    await expect(classifyReply(reply(`Status of \`${deployId}\`: READY`), ours, lookup)).resolves.toEqual({
      kind: 'none',
    });
  });
});
