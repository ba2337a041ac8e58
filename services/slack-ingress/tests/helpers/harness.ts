import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createIngressHandler } from '../../src/handlers/createIngressHandler';
import { buildDependencies } from '../../src/wiring';
import { lambdaContext, SIGNING_SECRET, silentLogger, testConfig } from './factories';

/** Mocks of every AWS client the handler uses; create once per test file, reset in beforeEach. */
export const awsMocks = () => {
  const eventBridge = mockClient(EventBridgeClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  const ssm = mockClient(SSMClient);
  const reset = () => {
    eventBridge.reset();
    dynamo.reset();
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: SIGNING_SECRET } });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
  };
  return { eventBridge, dynamo, ssm, reset };
};

export interface SentMessage {
  url: string;
  body: Record<string, unknown>;
}

/**
 * The real handler, wired exactly as in Lambda (buildDependencies), on SDK clients that the test's
 * aws-sdk-client-mock instances intercept. Posts to Slack land in `sent` instead of the network.
 */
export const ingressHarness = (env: Record<string, string> = {}, slackApi?: (url: string) => Response) => {
  const sent: SentMessage[] = [];
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (slackApi && !url.includes('hooks')) return slackApi(url);
    sent.push({ url, body: JSON.parse(String(init?.body ?? '{}')) });
    return new Response('ok');
  }) as typeof fetch;
  const region = { region: 'eu-north-1' };
  const handler = createIngressHandler(
    buildDependencies(
      testConfig(env),
      {
        eventBridge: new EventBridgeClient(region),
        dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(region)),
        ssm: new SSMClient(region),
      },
      { logger: silentLogger(), fetch: fakeFetch },
    ),
  );
  const context = lambdaContext('branch-envs-test-slack-ingress');
  return {
    sent,
    context,
    invoke: (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
      handler(event, context),
  };
};
