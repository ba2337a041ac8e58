import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext, replyOf, SIGNING_SECRET, slashEvent, testEnv } from '../helpers/factories';

/**
 * The module that Lambda loads. Each test loads it afresh (jest.resetModules), so the SDK modules are
 * fresh too and are mocked here, after the reset, rather than with the shared harness.
 */
const loadEntryPoint = async () => {
  const eventBridgeSdk = await import('@aws-sdk/client-eventbridge');
  const ssmSdk = await import('@aws-sdk/client-ssm');
  const eventBridge = mockClient(eventBridgeSdk.EventBridgeClient);
  const ssm = mockClient(ssmSdk.SSMClient);
  const documentsSdk = await import('@aws-sdk/lib-dynamodb');
  const dynamo = mockClient(documentsSdk.DynamoDBDocumentClient);
  dynamo.on(documentsSdk.PutCommand).resolves({});
  eventBridge
    .on(eventBridgeSdk.PutEventsCommand)
    .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  ssm.on(ssmSdk.GetParameterCommand).resolves({ Parameter: { Value: SIGNING_SECRET } });
  const { handler } = await import('../../src/handlers/http');
  const putEvents = () =>
    eventBridge.commandCalls(eventBridgeSdk.PutEventsCommand as typeof PutEventsCommand);
  const getParameter = () => ssm.commandCalls(ssmSdk.GetParameterCommand);
  const putItems = () => dynamo.commandCalls(documentsSdk.PutCommand);
  return { handler, putEvents, getParameter, putItems };
};

describe('the Lambda entry point', () => {
  const saved = { ...process.env };

  beforeEach(() => {
    jest.resetModules();
    Object.assign(process.env, testEnv(), { AWS_REGION: 'eu-north-1', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  });

  afterEach(() => {
    process.env = { ...saved };
  });

  it('wires config, clients and adapters from the environment the template declares', async () => {
    // Prepare
    const { handler, putEvents, getParameter, putItems } = await loadEntryPoint();

    // Act
    const result = await handler(slashEvent('/deploy', 'login'), lambdaContext());

    // Assess
    expect(replyOf(result)?.text).toContain('Looking for a branch matching `login`');
    expect(putEvents()[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe('branch-envs-test-bus');
    expect(putItems()[0]?.args[0].input.TableName).toBe('branch-envs-test-deployments');
    expect(getParameter().map((call) => call.args[0].input.Name)).toEqual([
      '/branch-envs/test/slack/signing-secret',
    ]);
  });

  it('starts reading the signing secret at cold start, before the first request', async () => {
    // Act
    const { getParameter } = await loadEntryPoint();

    // Assess
    expect(getParameter()).toHaveLength(1);
  });

  it('fails at cold start, naming the variable, when the config is incomplete', async () => {
    // Prepare
    delete process.env.EVENT_BUS_NAME;

    // Act + Assess
    await expect(import('../../src/handlers/http')).rejects.toThrow(
      'Missing required environment variable EVENT_BUS_NAME',
    );
  });
});
