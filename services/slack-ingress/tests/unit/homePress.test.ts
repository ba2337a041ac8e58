/**
 * Buttons pressed on the Home tab: Slack's block_actions payload from a view has no response_url and
 * no channel; the view's private_metadata names the app's DM, where the conversation continues.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  buttonForm,
  buttonPayload,
  DEPLOY_ID,
  deploymentItem,
  slackEvent,
  TEAM,
  USER,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

const mocks = awsMocks();
beforeEach(() => mocks.reset());

const entries = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

const DM = 'D0LAN2Q65';

/** A press on a Home view, as Slack sends it: container type `view`, the view, no response_url. */
const homePayload = (actionId: string, viewOverrides: Record<string, unknown> = {}) => {
  const {
    response_url: _url,
    channel: _channel,
    container: _container,
    ...rest
  } = buttonPayload({ actionId });
  return {
    ...rest,
    container: { type: 'view', view_id: 'V0HOME001' },
    view: {
      id: 'V0HOME001',
      type: 'home',
      team_id: TEAM,
      private_metadata: DM,
      callback_id: 'branch_envs_home',
      ...viewOverrides,
    },
  };
};

const press = (payload: unknown) => slackEvent(buttonForm(payload), { route: 'interactions' });

describe('a press on the Home tab', () => {
  it('publishes the terminate with the DM as its reply channel and posts to no response_url', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke, sent } = ingressHarness();

    // Act
    const result = await invoke(press(homePayload('terminate')));

    // Assess
    expect(result.statusCode).toBe(200);
    const [entry] = entries();
    expect(entry?.DetailType).toBe('TerminateRequested');
    const data = JSON.parse(String(entry?.Detail)).data;
    expect(data.target).toEqual({ kind: 'deploy', deployId: DEPLOY_ID });
    expect(data.replyTo).toMatchObject({ userId: USER, channelId: DM });
    expect(data.replyTo.responseUrl).toBeUndefined();
    expect(sent).toHaveLength(0);
  });

  it('publishes Keep overnight as an ExtendRequested', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke } = ingressHarness();

    // Act
    await invoke(press(homePayload('keep_overnight')));

    // Assess
    expect(entries().map((e) => e.DetailType)).toEqual(['ExtendRequested']);
  });

  it.each([
    ['a view that is not the Home tab', { type: 'modal' }],
    ['a Home view without a channel in private_metadata', { private_metadata: '' }],
    ['a Home view whose private_metadata is not a channel id', { private_metadata: 'https://evil.example' }],
  ])('refuses %s with a 400 and publishes nothing', async (_name, view) => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(press(homePayload('terminate', view)));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(entries()).toHaveLength(0);
  });
});
