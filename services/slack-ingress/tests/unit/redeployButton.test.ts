import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { buttonEvent, STRANGER, USER } from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

/** [Redeploy] on the message of an environment AWS reclaimed (ADR 0028). */
const mocks = awsMocks();
beforeEach(() => mocks.reset());

const entries = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('the [Redeploy] button', () => {
  it('publishes the DeployRequested of `/deploy <branch> --on-demand` by the user who pressed it', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'redeploy', value: 'feature/ABC-123-login-page' }));

    // Assess
    expect(entries()).toHaveLength(1);
    const detail = DeployRequestedV3.detail.parse(JSON.parse(entries()[0]?.Detail ?? 'null'));
    expect(detail.data).toMatchObject({
      query: 'feature/ABC-123-login-page',
      parsedQuery: { fragment: 'feature/ABC-123-login-page' },
      capacity: 'on-demand',
      fresh: false,
      owner: { userId: USER },
    });
    expect(sent[0]?.body).toMatchObject({ replace_original: true });
  });

  it('is refused, publishing nothing, for a user who may not deploy', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness();

    // Act
    await invoke(
      buttonEvent({ actionId: 'redeploy', value: 'feature/ABC-123-login-page', userId: STRANGER }),
    );

    // Assess
    expect(entries()).toHaveLength(0);
    expect(sent[0]?.body).toMatchObject({
      replace_original: false,
      text: expect.stringContaining('You are not allowed to use branch-envs yet'),
    });
  });

  it('answers a value that is not a branch with usage, publishing nothing', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'redeploy', value: '--spot; rm -rf /' }));

    // Assess
    expect(entries()).toHaveLength(0);
    expect(sent[0]?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  });
});
