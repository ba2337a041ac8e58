import {
  type Block,
  helpMessage,
  MAX_BLOCKS,
  MAX_SECTION_TEXT,
  somethingWentWrong,
} from '../../src/domain/blocks';
import { listMessage, statusMessage } from '../../src/domain/messages/deploymentViews';
import { deploymentItem, OTHER_DEPLOY_ID } from '../helpers/factories';

// Thursday 2026-11-26, 10:00 Helsinki: tonight's nightly shutdown is 9 hours away.
const now = new Date('2026-11-26T08:00:00.000Z');
const nightly = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' };
const view = { now, nightly };
const help = {
  nightly,
  deployCommand: '/napotedeploy',
  terminateCommand: '/napoteterminate',
  defaultTtlSeconds: 14_400,
  maxTtlSeconds: 172_800,
};

const textsOf = (blocks: readonly Block[]): string[] =>
  blocks.flatMap((block) => {
    if (block.type === 'section') return [block.text.text, ...(block.fields ?? []).map((f) => f.text)];
    if (block.type === 'context') return block.elements.map((e) => e.text);
    if (block.type === 'header') return [block.text.text];
    return [];
  });

const expectWithinSlackLimits = (blocks: readonly Block[]): void => {
  expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const text of textsOf(blocks)) expect(text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
};

describe('helpMessage', () => {
  it('uses the configured command names and TTLs', () => {
    // Act
    const message = helpMessage(help);
    const text = textsOf(message.blocks).join('\n');

    // Assess
    expect(text).toContain(
      '`/napotedeploy <query> [for <duration>] [--fresh] [--no-follow] [--spot|--on-demand]`',
    );
    expect(text).toContain('`/napoteterminate <id|branch|mine|all>`');
    expect(text).toContain('lives for 4h');
    expect(text).toContain('at most 2d');
    expect(text).not.toContain('/deploy ');
  });

  it('leads with the problem when it answers a mistake', () => {
    // Act
    const message = helpMessage(help, 'That is not a duration.');

    // Assess
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':warning: That is not a duration.' },
    });
    expect(message.text).toContain('That is not a duration.');
  });
});

describe('listMessage', () => {
  it('shows branch, owner, URL, state and time left, soonest expiry first', () => {
    // Prepare
    const later = deploymentItem({
      deployId: OTHER_DEPLOY_ID,
      branch: 'later',
      expiresAt: Math.floor(now.getTime() / 1000) + 7200,
    });
    const sooner = deploymentItem({ branch: 'sooner', expiresAt: Math.floor(now.getTime() / 1000) + 1800 });

    // Act
    const message = listMessage([later, sooner], view, 'all');
    const [, first, second] = textsOf(message.blocks);

    // Assess
    expect(first).toContain(
      '*sooner* · READY · <@U0LOCAL1> · <http://10.0.0.12/|http://10.0.0.12/> · runs until <!date^1795681800^{date_short_pretty} at {time}|10:30 Helsinki today, Thu 26 Nov>, 30m left',
    );
    expect(second).toContain('*later*');
    expect(second).toContain('2h left');
  });

  it('stays within 50 blocks and counts what it leaves out', () => {
    // Prepare
    const many = Array.from({ length: 120 }, (_, i) => deploymentItem({ branch: `branch-${i}` }));

    // Act
    const message = listMessage(many, view, 'all');

    // Assess
    expectWithinSlackLimits(message.blocks);
    expect(textsOf(message.blocks).at(-1)).toMatch(/…and \d+ more/);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Live environments (120)' },
    });
  });

  it('says so when nothing runs', () => {
    // Act + Assess
    expect(listMessage([], view, 'mine').text).toBe('You have no live environments.');
  });

  it('escapes markup in values read from the table', () => {
    // Prepare
    const record = deploymentItem({ branch: 'x<!channel>&y', url: 'javascript:alert(1)' });

    // Act
    const text = textsOf(listMessage([record], view, 'all').blocks).join('\n');

    // Assess
    expect(text).toContain('*x&lt;!channel&gt;&amp;y*');
    expect(text).toContain('`javascript:alert(1)`');
    expect(text).not.toContain('<!channel>');
  });
});

describe('statusMessage', () => {
  it('shows the step history and Extend and Terminate buttons for a live deployment', () => {
    // Act
    const message = statusMessage(deploymentItem(), view, { live: true });

    // Assess
    expect(textsOf(message.blocks).join('\n')).toContain('2026-11-26T09:00:02.000Z resolved: PR #42');
    expect(message.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: 'extend', value: deploymentItem().deployId },
        { action_id: 'keep_overnight', value: deploymentItem().deployId },
        { action_id: 'terminate', value: deploymentItem().deployId, style: 'danger' },
      ],
    });
  });

  it('offers no buttons for a finished deployment', () => {
    // Act
    const message = statusMessage(deploymentItem({ status: 'TERMINATED' }), view, { live: false });

    // Assess
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('keeps a huge history within Slack limits', () => {
    // Prepare
    const history = Array.from({ length: 500 }, (_, i) => ({
      step: `step ${i} ${'x'.repeat(200)}`,
      at: now.toISOString(),
    }));

    // Act
    const message = statusMessage(deploymentItem({ history }), view, { live: true, olderCount: 3 });

    // Assess
    expectWithinSlackLimits(message.blocks);
    expect(textsOf(message.blocks).join('\n')).toContain('…480 earlier steps');
  });
});

describe('somethingWentWrong', () => {
  it('gives the reference and nothing else', () => {
    // Act
    const message = somethingWentWrong('c0ffee-ref');

    // Assess
    expect(message.text).toBe(
      ':x: Something went wrong on our side. Please try again in a moment (ref `c0ffee-ref`).',
    );
  });
});
