import { InstanceTerminatedV2 } from '@branch-envs/shared/events/InstanceTerminated.v2';
import { fixtureData } from '../../../../shared/tests/helpers/factories';
import { terminatedMessage } from '../../src/domain/messages/deployment';
import { planFor } from '../../src/domain/plan';
import { FIXTURE_VIEW } from '../helpers/factories';

const merged = fixtureData(InstanceTerminatedV2);
const facts = { prNumber: 42, prUrl: 'https://github.com/acme/shop/pull/42', branch: merged.branch ?? '' };

describe('the message of an environment its pull request ended', () => {
  it('says the pull request was merged, so its environment ended', () => {
    // Act
    const message = terminatedMessage(merged, facts);

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe('🛑 PR #42 was merged, so its environment ended (feature/ABC-123-login-page).');
  });

  it('says closed when the pull request was closed without merging', () => {
    // Act
    const message = terminatedMessage({ ...merged, reason: 'pr_closed' }, facts);

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe('🛑 PR #42 was closed, so its environment ended (feature/ABC-123-login-page).');
  });

  it('still says why when the event names no pull request number', () => {
    // Prepare
    const { prNumber: _prNumber, ...withoutNumber } = merged;

    // Act
    const message = terminatedMessage(withoutNumber, {});

    // Assess
    expect(message.text).toBe('🛑 feature/ABC-123-login-page has ended: its pull request was merged.');
  });

  it('marks the GitHub deployment inactive, naming the reason, and retires its environment', () => {
    // Act
    const plan = planFor(
      {
        detailType: 'InstanceTerminated',
        detail: { metadata: { ...fixtureMetadata() }, data: merged },
      } as Parameters<typeof planFor>[0],
      FIXTURE_VIEW,
    );

    // Assess
    expect(plan).toMatchObject({
      kind: 'state',
      state: 'terminated',
      github: {
        kind: 'status',
        state: 'inactive',
        description: 'Terminated: pr_merged',
        retireEnvironment: 'preview/feature/ABC-123-login-page',
      },
    });
  });
});

function fixtureMetadata() {
  return {
    eventId: '01KB0W8J6QF3ZC9D2M4N5P7R95',
    schemaVersion: 2,
    correlationId: merged.deployId,
    causationId: '01KB0W8J6QF3ZC9D2M4N5P7R96',
    occurredAt: '2026-11-26T09:00:01.000Z',
    producer: 'branch-envs.reaper',
  };
}
