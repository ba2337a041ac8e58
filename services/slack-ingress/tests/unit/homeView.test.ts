/**
 * The Home tab's view within Block Kit's limits (a Home view: 100 blocks; section text 3,000;
 * header 150; button label 75, value 2,000; private_metadata 3,000) for 0, 1 and 60 environments,
 * for a user and for an admin, and snapshots of what a user sees.
 */
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { SLACK_ACTIONS } from '@branch-envs/shared/slack';
import type { Role } from '../../src/domain/authorization';
import { type HomeBlock, type HomeView, OPEN_DEPLOY_FORM } from '../../src/domain/home/homeBlocks';
import { homeView, notAllowedView } from '../../src/domain/home/homeView';
import { ADMIN, CHANNEL, deploymentItem, OTHER_USER, TEAM, USER } from '../helpers/factories';

// Thursday 2026-11-26, 15:00 Helsinki; tonight's nightly shutdown is at 19:00 Helsinki.
const nightly = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' };
const now = new Date('2026-11-26T13:00:00.000Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

/** `n` live environments, every third one the viewer's, the rest spread over other users. */
const environments = (n: number): DeploymentRecord[] =>
  Array.from({ length: n }, (_, i) => {
    const userId = i % 3 === 0 ? USER : i % 3 === 1 ? OTHER_USER : `U0USER${String(i).padStart(3, '0')}`;
    return deploymentItem({
      deployId: `01KB0W8J6QF3ZC9D2M4N5P7${String(i).padStart(3, '0')}`.replaceAll('I', '1'),
      branch: `feature/ABC-${100 + i}-${'very-long-branch-name-'.repeat(10)}`,
      owner: { userId, teamId: TEAM, userName: `user${i}` },
      ownerId: userId,
      expiresAt: nowSeconds + 3600 + i * 60,
      status: i % 5 === 0 ? 'RUNNING' : 'READY',
    });
  });

/** The rate the provisioner records at launch (ADR 0027): t3.medium + 30 GB gp3, from two hours ago. */
const costOf = (market: 'spot' | 'on-demand') => ({
  market,
  instanceType: 't3.medium',
  hourlyMicros: market === 'spot' ? 15_788 : 44_888,
  since: new Date(now.getTime() - 2 * 3600_000).toISOString(),
});

/** The same environments, each with a recorded rate: every other one on Spot. */
const pricedEnvironments = (n: number): DeploymentRecord[] =>
  environments(n).map((r, i) => ({ ...r, cost: costOf(i % 2 === 0 ? 'spot' : 'on-demand') }));

const build = (live: DeploymentRecord[], role: Role = 'user', userId = USER): HomeView =>
  homeView({
    viewer: { userId, role },
    channelId: 'D0LAN2Q65',
    live,
    quotas: { perUser: 3, total: 20 },
    deployCommand: '/deploy',
    clock: { now, nightly },
  });

const buttonsOf = (blocks: readonly HomeBlock[]) =>
  blocks.flatMap((b) => {
    if (b.type === 'actions') return b.elements;
    if (b.type === 'section' && 'accessory' in b) return [b.accessory];
    return [];
  });

const textsOf = (blocks: readonly HomeBlock[]): string[] =>
  blocks.flatMap((b) => {
    if (b.type === 'section')
      return [b.text.text, ...('fields' in b && b.fields ? b.fields.map((f) => f.text) : [])];
    if (b.type === 'context') return b.elements.map((e) => e.text);
    if (b.type === 'header') return [b.text.text];
    return [];
  });

/** Slack's documented limit per block type: a problem's description, or undefined. */
const blockLimit = (b: HomeBlock): string | undefined => {
  if (b.type === 'header') return b.text.text.length > 150 ? 'header over 150' : undefined;
  if (b.type === 'section') return b.text.text.length > 3000 ? 'section over 3000' : undefined;
  if (b.type === 'actions') return b.elements.length > 25 ? 'actions over 25 elements' : undefined;
  if (b.type === 'context') return b.elements.length > 10 ? 'context over 10 elements' : undefined;
  return undefined;
};

const buttonLimits = (button: ReturnType<typeof buttonsOf>[number]): string[] =>
  [
    button.text.text.length > 75 ? 'button label over 75' : '',
    button.value.length > 2000 ? 'button value over 2000' : '',
    button.action_id.length > 255 ? 'action_id over 255' : '',
  ].filter(Boolean);

/** Every limit Slack documents for what the view uses; an empty list means Slack accepts it. */
const limitViolations = (view: HomeView): string[] => [
  ...(view.blocks.length > 100 ? [`${view.blocks.length} blocks`] : []),
  ...(view.private_metadata.length > 3000 ? ['private_metadata too long'] : []),
  ...view.blocks.flatMap((b) => blockLimit(b) ?? []),
  ...buttonsOf(view.blocks).flatMap(buttonLimits),
];

describe('the Home tab view', () => {
  it.each([
    0, 1, 60,
  ])('stays within Block Kit’s limits with %i environments, for a user and an admin', (n) => {
    // Prepare
    const live = environments(n);

    // Act
    const views = [build(live, 'user'), build(live, 'admin', ADMIN)];

    // Assess
    for (const view of views) {
      expect(limitViolations(view)).toEqual([]);
      expect(view.type).toBe('home');
    }
  });

  it.each([
    1, 60,
  ])('stays within Block Kit’s limits with %i priced environments, for a user and an admin', (n) => {
    // Prepare
    const live = pricedEnvironments(n);

    // Act
    const views = [build(live, 'user'), build(live, 'admin', ADMIN)];

    // Assess
    for (const view of views) expect(limitViolations(view)).toEqual([]);
  });

  it('shows each environment its price, Spot marked, and admins the stage total', () => {
    // Prepare: two hours at 15 788 µ$/h (Spot) and 44 888 µ$/h (on-demand)
    const live = pricedEnvironments(2);

    // Act
    const admin = textsOf(build(live, 'admin', ADMIN).blocks).join('\n');
    const user = textsOf(build(live, 'user').blocks).join('\n');

    // Assess: 31 576 µ$ ≈ $0.03; 89 776 µ$ ≈ $0.09; together 60 676 µ$/h and 121 352 µ$
    expect(user).toContain('≈ $0.016/h Spot · $0.03 so far');
    expect(user).toContain('≈ $0.045/h · $0.09 so far');
    expect(admin).toContain('*Stage total:* ≈ $0.061/h · $0.12 so far');
    expect(user).not.toContain('Stage total');
  });

  it('tells the owner of a Spot environment kept overnight that AWS may reclaim it', () => {
    // Prepare
    const [spot, onDemand] = pricedEnvironments(4).filter((r) => r.owner.userId === USER);
    const live = [
      { ...(spot as DeploymentRecord), keepOvernight: true },
      { ...(onDemand as DeploymentRecord), keepOvernight: true },
    ];

    // Act
    const text = textsOf(build(live).blocks).join('\n');

    // Assess
    expect(text.match(/Kept overnight on Spot capacity: AWS may reclaim it before then\./g)).toHaveLength(1);
  });

  it('has a limit check that does catch a view Slack would refuse', () => {
    // Prepare
    const view = build(environments(1));
    const tooMany = { ...view, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' as const })) };
    const longHeader = {
      ...view,
      blocks: [{ type: 'header' as const, text: { type: 'plain_text' as const, text: 'x'.repeat(151) } }],
    };

    // Act + Assess
    expect(limitViolations(tooMany)).toEqual(['101 blocks']);
    expect(limitViolations(longHeader)).toEqual(['header over 150']);
  });

  it('always offers [Deploy a branch] with the action id the Deploy form answers', () => {
    // Act
    const buttons = buttonsOf(build([]).blocks);

    // Assess
    expect(buttons.map((b) => b.action_id)).toEqual([OPEN_DEPLOY_FORM]);
    expect(buttons[0]?.text.text).toBe('Deploy a branch');
  });

  it("gives each of the viewer's environments the ready message's buttons (and Logs, once it has an instance), valued with its deployId", () => {
    // Prepare
    const [mine] = environments(1);

    // Act
    const buttons = buttonsOf(build(mine ? [mine] : []).blocks);

    // Assess
    expect(buttons.map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Deploy a branch', OPEN_DEPLOY_FORM, 'home'],
      ['Extend', SLACK_ACTIONS.extend, mine?.deployId],
      ['Keep overnight', SLACK_ACTIONS.keepOvernight, mine?.deployId],
      ['Logs', SLACK_ACTIONS.logsApp, mine?.deployId],
      ['Terminate', SLACK_ACTIONS.terminate, mine?.deployId],
    ]);
    expect(buttons[4]?.confirm?.confirm.text).toBe('Terminate');
  });

  it("shows a user no buttons on others' environments, and an admin [Terminate] on each one listed", () => {
    // Prepare
    const live = environments(6);
    const others = live.filter((r) => r.owner.userId !== USER);

    // Act
    const userButtons = buttonsOf(build(live, 'user').blocks).map((b) => b.value);
    const adminButtons = buttonsOf(build(live, 'admin', ADMIN).blocks).filter(
      (b) => b.action_id === 'terminate',
    );

    // Assess
    for (const r of others) expect(userButtons).not.toContain(r.deployId);
    expect(adminButtons.map((b) => b.value).sort()).toEqual(live.map((r) => r.deployId).sort());
  });

  it('lists every team environment with its owner and real end, soonest first', () => {
    // Prepare
    const [first, second, third] = environments(3);
    const live = [third, second, first && { ...first, expiresAt: nowSeconds + 10 * 3600 }].flatMap((r) =>
      r ? [r] : [],
    );

    // Act
    const texts = textsOf(build(live).blocks).join('\n');

    // Assess
    expect(texts).toContain('Team environments (3)');
    for (const r of live) expect(texts).toContain(`<@${r.owner.userId}>`);
    expect(texts).toContain('(nightly shutdown)');
    expect(texts.indexOf('ABC-101')).toBeLessThan(texts.indexOf('ABC-102'));
    expect(texts.lastIndexOf('ABC-102')).toBeLessThan(texts.lastIndexOf('ABC-100'));
  });

  it('counts what does not fit and points at /deploy list, so nothing is silently dropped', () => {
    // Act
    const texts = textsOf(build(environments(60)).blocks).join('\n');

    // Assess
    expect(texts).toContain('Your environments (20)');
    expect(texts).toContain('…and 10 more: `/deploy list mine` lists them all.');
    expect(texts).toContain('…and 20 more: `/deploy list` lists them all.');
  });

  it('shows admins the quota use per user and in total, and users none of it', () => {
    // Prepare
    const live = environments(4);

    // Act
    const admin = textsOf(build(live, 'admin', ADMIN).blocks).join('\n');
    const user = textsOf(build(live, 'user').blocks).join('\n');

    // Assess
    expect(admin).toContain('*Stage:* 4 of 20 live environments');
    expect(admin).toContain(`<@${USER}>: 2 of 3`);
    expect(user).not.toContain('Quota use');
  });

  it('carries the DM channel in private_metadata for replies to presses', () => {
    expect(build([]).private_metadata).toBe('D0LAN2Q65');
  });

  it('escapes a hostile branch name rather than letting it become a mention or a link', () => {
    // Prepare
    const hostile = deploymentItem({
      branch: 'x<!channel>&<https://evil.example|click>',
      channelId: CHANNEL,
    });

    // Act
    const texts = textsOf(build([hostile]).blocks).join('\n');

    // Assess
    expect(texts).not.toContain('<!channel>');
    expect(texts).not.toContain('<https://evil.example');
  });

  it('renders the same view for 0 and 1 environments as before (snapshot)', () => {
    const [one] = environments(1);
    expect(build([])).toMatchSnapshot('no environments');
    expect(
      build(one ? [{ ...one, branch: 'feature/ABC-123-login-page' }] : [], 'admin', USER),
    ).toMatchSnapshot('one environment, admin');
  });

  it('tells a user on no list that they are not one, with nothing about environments', () => {
    const view = notAllowedView();
    expect(buttonsOf(view.blocks)).toEqual([]);
    expect(textsOf(view.blocks).join(' ')).toContain('not on the list of branch-envs users');
  });
});
