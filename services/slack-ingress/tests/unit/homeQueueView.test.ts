/**
 * The queue on the Home tab (ADR 0031): the viewer's waiting requests with place and expiry, the
 * stage's queue length for admins, all within Block Kit's limits (100 blocks a view; section text
 * 3,000; header 150) whatever the table and the queue hold, and nothing cut off the end.
 */
import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Role } from '../../src/domain/authorization';
import type { HomeBlock, HomeView } from '../../src/domain/home/homeBlocks';
import { homeView } from '../../src/domain/home/homeView';
import { ADMIN, deploymentItem, OTHER_USER, TEAM, USER } from '../helpers/factories';

// Thursday 2026-11-26, 15:00 Helsinki.
const nightly = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' };
const now = new Date('2026-11-26T13:00:00.000Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

const ulid = (prefix: string, i: number) => `01KB0W8J6QF3ZC9D2M4N${prefix}${String(i).padStart(3, '0')}`;
const userOf = (i: number) =>
  i % 3 === 0 ? USER : i % 3 === 1 ? OTHER_USER : `U0USER${String(i).padStart(3, '0')}`;

const environments = (n: number): DeploymentRecord[] =>
  Array.from({ length: n }, (_, i) =>
    deploymentItem({
      deployId: ulid('5P7', i),
      branch: `feature/ABC-${100 + i}-${'very-long-branch-name-'.repeat(10)}`,
      owner: { userId: userOf(i), teamId: TEAM, userName: `user${i}` },
      ownerId: userOf(i),
      expiresAt: nowSeconds + 3600 + i * 60,
    }),
  );

/** `n` waiting entries, every third one the viewer's, enqueued a minute apart, the oldest first. */
const queued = (n: number, owner: (i: number) => string = userOf): QueueEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    entryId: ulid('Q8R', i),
    query: `raw:${'label:"very long label" '.repeat(9)}${i}`,
    ttlSeconds: 3600,
    owner: { userId: owner(i), teamId: TEAM, userName: `user${i}` },
    replyTo: { userId: owner(i), channelId: 'C0CHANNEL1', issuedAt: now.toISOString() },
    enqueuedAt: new Date(now.getTime() - (n - i) * 60_000).toISOString(),
    expiresAt: nowSeconds + 1800 + i * 60,
    state: 'waiting',
  }));

const build = (
  live: DeploymentRecord[],
  queue: QueueEntry[] | undefined,
  role: Role = 'user',
  userId = USER,
) =>
  homeView({
    viewer: { userId, role },
    channelId: 'D0LAN2Q65',
    live,
    quotas: { perUser: 3, total: 20 },
    deployCommand: '/deploy',
    clock: { now, nightly },
    ...(queue ? { queue } : {}),
  });

const textOf = (b: HomeBlock): string => {
  if (b.type === 'section' || b.type === 'header') return b.text.text;
  if (b.type === 'context') return b.elements.map((e) => e.text).join(' ');
  return '';
};

const violations = (view: HomeView): string[] => [
  ...(view.blocks.length > 100 ? [`${view.blocks.length} blocks`] : []),
  ...view.blocks.flatMap((b) => {
    if (b.type === 'header' && b.text.text.length > 150) return ['header over 150'];
    if (b.type === 'section' && b.text.text.length > 3000) return ['section over 3000'];
    return [];
  }),
];

describe('the queue on the Home tab', () => {
  it.each([
    [0, 0],
    [1, 1],
    [60, 1],
    [0, 60],
    [60, 60],
  ])('stays within Block Kit’s limits with %i environments and %i queued, and cuts nothing off', (envs, waiting) => {
    // Act
    const user = build(environments(envs), queued(waiting));
    const admin = build(environments(envs), queued(waiting), 'admin', ADMIN);

    // Assess
    expect([...violations(user), ...violations(admin)]).toEqual([]);
    // The admin's stage queue line is the view's last block: the 100-block cut took nothing.
    expect(textOf(admin.blocks.at(-1) ?? { type: 'divider' })).toMatch(/^\*Queue:\*/);
    expect(admin.blocks.length).toBeLessThan(100);
  });

  it("shows the viewer's own waiting requests with their place and how long they wait at most", () => {
    // Prepare: OTHER_USER's entry is older, so the viewer's is second in fair order
    const [theirs, mine] = queued(2, (i) => (i === 0 ? OTHER_USER : USER));

    // Act
    const texts = build(
      [],
      [theirs, mine].flatMap((e) => (e ? [e] : [])),
    ).blocks.map(textOf);

    // Assess
    expect(texts).toContain('Your queued deploys (1)');
    const line = texts.find((t) => t.includes('in line')) ?? '';
    expect(line).toContain('number 2 in line');
    expect(line).toContain(`<!date^${mine?.expiresAt}^`);
    expect(texts.join('\n')).not.toContain(theirs?.entryId);
  });

  it('lists ten of the viewer’s queued requests and counts the rest', () => {
    // Act
    const texts = build(
      [],
      queued(60, () => USER),
    ).blocks.map(textOf);

    // Assess
    expect(texts).toContain('Your queued deploys (60)');
    expect(texts.find((t) => t.includes('in line'))?.split('\n')).toHaveLength(10);
    expect(texts).toContain('…and 50 more: `/deploy list mine` lists them all.');
  });

  it('shows admins the stage queue length and users none of it', () => {
    // Act
    const admin = build([], queued(4), 'admin', ADMIN).blocks.map(textOf);
    const user = build([], queued(4)).blocks.map(textOf);
    const empty = build([], [], 'admin', ADMIN).blocks.map(textOf);

    // Assess
    expect(admin).toContain('*Queue:* 4 requests waiting for a slot (`/deploy list` shows them).');
    expect(user.join('\n')).not.toContain('*Queue:*');
    expect(empty).toContain('*Queue:* nobody is waiting for a slot.');
  });

  it('shows no queue at all where it is off, and leaves out started and ended entries', () => {
    // Prepare
    const [started, ended] = queued(2, () => USER);
    const entries: QueueEntry[] = [
      {
        ...(started as QueueEntry),
        state: 'started',
        startedAs: ulid('S9T', 1),
        startedAt: now.toISOString(),
      },
      { ...(ended as QueueEntry), state: 'ended', endReason: 'expired', endedAt: now.toISOString() },
    ];

    // Act
    const off = build([], undefined, 'admin', ADMIN).blocks.map(textOf).join('\n');
    const leftOut = build([], entries).blocks.map(textOf).join('\n');

    // Assess
    expect(off).not.toContain('Queue');
    expect(leftOut).not.toContain('queued deploys');
  });
});
