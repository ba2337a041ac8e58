import { ExpiryExtended } from '@branch-envs/shared/events/ExpiryExtended';
import { InstanceTerminatedV3 } from '@branch-envs/shared/events/InstanceTerminated.v3';
import { SLACK_ACTIONS } from '@branch-envs/shared/slack';
import { fixtureData } from '../../../../shared/tests/helpers/factories';
import { terminatedMessage } from '../../src/domain/messages/deployment';
import { extendedMessage } from '../../src/domain/messages/notices';
import { FIXTURE_VIEW } from '../helpers/factories';

const interrupted = fixtureData(InstanceTerminatedV3);

describe('the message of an environment whose Spot capacity AWS reclaimed', () => {
  it('says AWS reclaimed it and offers [Redeploy] for its branch', () => {
    // Act
    const message = terminatedMessage(interrupted, {});

    // Assess
    expect(message.text).toBe(
      '⚡ AWS reclaimed the Spot capacity of this environment; it ended (feature/ABC-123-login-page).',
    );
    const buttons = message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Redeploy', SLACK_ACTIONS.redeploy, 'feature/ABC-123-login-page'],
    ]);
    expect(JSON.stringify(message.blocks)).toContain('on-demand capacity');
  });

  it('offers no button when it does not know the branch to redeploy', () => {
    // Act
    const message = terminatedMessage({ ...interrupted, branch: null }, {});

    // Assess
    expect(message.text).toContain(`(Deploy ${interrupted.deployId})`);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('[Keep overnight] on a Spot environment', () => {
  const kept = { ...fixtureData(ExpiryExtended), keepOvernight: true };
  const cost = (market: 'spot' | 'on-demand') => ({
    market,
    instanceType: 't3.medium',
    hourlyMicros: market === 'spot' ? 15_788 : 44_888,
    since: '2026-11-26T08:00:00.000Z',
  });
  const facts = (market: 'spot' | 'on-demand') => ({
    url: 'https://feature-abc-123.preview.example',
    cost: cost(market),
  });

  it('keeps it on Spot and says AWS may reclaim it before then, and what follows', () => {
    // Act
    const message = extendedMessage(kept, facts('spot'), FIXTURE_VIEW);

    // Assess
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Kept overnight');
    expect(text).toContain('It runs on Spot capacity, which AWS may reclaim before then');
    expect(text).toContain('≈ $0.016/h Spot');
  });

  it('says nothing about Spot for an on-demand environment, or for an extend that is not overnight', () => {
    // Act
    const onDemand = extendedMessage(kept, facts('on-demand'), FIXTURE_VIEW);
    const extended = extendedMessage({ ...kept, keepOvernight: false }, facts('spot'), FIXTURE_VIEW);

    // Assess
    expect(JSON.stringify(onDemand.blocks)).not.toContain('Spot capacity');
    expect(JSON.stringify(extended.blocks)).not.toContain('Spot capacity');
  });
});
