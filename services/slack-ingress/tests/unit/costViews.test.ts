import type { Block } from '../../src/domain/blocks';
import { listMessage, statusMessage } from '../../src/domain/messages/deploymentViews';
import { DEPLOY_ID, deploymentItem, OTHER_DEPLOY_ID, OTHER_USER } from '../helpers/factories';

// Launched at 08:00 UTC; the views are read at 12:00, four hours later.
const now = new Date('2026-11-26T12:00:00.000Z');
const view = { now, nightly: { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' } };
const since = '2026-11-26T08:00:00.000Z';
const onDemand = { market: 'on-demand' as const, instanceType: 't3.medium', hourlyMicros: 44_888, since };
const spot = { market: 'spot' as const, instanceType: 't3.medium', hourlyMicros: 15_788, since };
const expiresAt = Math.floor(now.getTime() / 1000) + 3600;

const textsOf = (blocks: readonly Block[]): string[] =>
  blocks.flatMap((block) => {
    if (block.type === 'section') return [block.text.text, ...(block.fields ?? []).map((f) => f.text)];
    if (block.type === 'context') return block.elements.map((e) => e.text);
    return [];
  });

const mine = deploymentItem({ branch: 'mine', cost: onDemand, market: 'on-demand', expiresAt });
const theirs = deploymentItem({
  deployId: OTHER_DEPLOY_ID,
  branch: 'theirs',
  owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'other' },
  ownerId: OTHER_USER,
  cost: spot,
  market: 'spot',
  expiresAt,
});

describe('what environments cost in /deploy list and status', () => {
  it('shows each environment’s rate and cost so far on its list line', () => {
    // Act
    const texts = textsOf(listMessage([mine, theirs], view, 'all').blocks);

    // Assess: worked example 1 (44 888 µ$/h × 4 h) and the Spot rate of example 2
    expect(texts.find((t) => t.startsWith('*mine*'))).toContain('≈ $0.045/h · $0.18 so far');
    expect(texts.find((t) => t.startsWith('*theirs*'))).toContain('≈ $0.016/h Spot · $0.06 so far');
  });

  it('totals the cost per owner for everyone, and for the stage only for an admin', () => {
    // Act
    const forUser = textsOf(listMessage([mine, theirs], view, 'all', { admin: false }).blocks);
    const forAdmin = textsOf(listMessage([mine, theirs], view, 'all', { admin: true }).blocks);

    // Assess: 179 552 + 63 152 µ$ so far; 44 888 + 15 788 µ$/h
    const byOwner =
      '*By owner:* <@U0LOCAL1> ≈ $0.045/h · $0.18 so far · <@U0LOCAL2> ≈ $0.016/h · $0.06 so far';
    expect(forUser).toContain(byOwner);
    expect(forUser.join('\n')).not.toContain('Stage total');
    expect(forAdmin).toContain('*Stage total:* ≈ $0.061/h · $0.24 so far');
  });

  it('gives the user their own total for list mine', () => {
    // Act
    const texts = textsOf(listMessage([mine], view, 'mine').blocks);

    // Assess
    expect(texts).toContain('*Your total:* ≈ $0.045/h · $0.18 so far');
  });

  it('shows no cost and no totals for records from before prices', () => {
    // Act
    const texts = textsOf(listMessage([deploymentItem({ expiresAt })], view, 'all', { admin: true }).blocks);

    // Assess
    expect(texts.join('\n')).not.toMatch(/\/h|total/);
  });

  it('states the cost in status, and for an ended environment what it cost in all', () => {
    // Prepare: terminated two hours after the launch
    const ended = deploymentItem({
      deployId: DEPLOY_ID,
      status: 'TERMINATED',
      cost: onDemand,
      history: [
        { step: 'RUNNING', at: since },
        { step: 'TERMINATED', at: '2026-11-26T10:00:00.000Z' },
      ],
    });

    // Act
    const live = textsOf(statusMessage(mine, view, { live: true }).blocks);
    const gone = textsOf(statusMessage(ended, view, { live: false }).blocks);

    // Assess: 44 888 × 2 h = 89 776 µ$
    expect(live).toContain('*Cost*\n≈ $0.045/h · $0.18 so far');
    expect(gone).toContain('*Cost*\n≈ $0.045/h · $0.09 in all');
  });
});
