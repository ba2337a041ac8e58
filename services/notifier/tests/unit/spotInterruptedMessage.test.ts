import { InstanceTerminatedV3 } from '@branch-envs/shared/events/InstanceTerminated.v3';
import { SLACK_ACTIONS } from '@branch-envs/shared/slack';
import { fixtureData } from '../../../../shared/tests/helpers/factories';
import { terminatedMessage } from '../../src/domain/messages/deployment';

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
