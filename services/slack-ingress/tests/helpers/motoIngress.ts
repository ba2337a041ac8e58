import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { newId } from '@branch-envs/shared/ids';
import { motoConfig, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createIngressHandler, type IngressHandler } from '../../src/handlers/createIngressHandler';
import { buildDependencies } from '../../src/wiring';
import { deploymentItem, SIGNING_SECRET, silentLogger, testConfig } from './factories';

/** The real SDK clients the moto integration tests give the handler, created once per test file. */
export const motoClients = () => {
  const aws = motoConfig();
  const dynamo = new DynamoDBClient(aws);
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    eventBridge: new EventBridgeClient(aws),
    ssm: new SSMClient(aws),
  };
};
export type MotoClients = ReturnType<typeof motoClients>;

/** A bus, the platform's table and the signing secret in SSM: what every ingress test against moto needs. */
export const motoStage = async (clients: MotoClients) => {
  const busName = uniqueName('bus');
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const tableName = await createPlatformTable(clients.dynamo, 'DeploymentsTable');
  const secretName = `/branch-envs/${uniqueName('it')}/slack/signing-secret`;
  await clients.ssm.send(
    new PutParameterCommand({ Name: secretName, Type: 'SecureString', Value: SIGNING_SECRET }),
  );
  return { busName, tableName, secretName };
};

/** A fetch that records every JSON body the handler posts (to response_urls) and answers `ok`. */
export const recordingFetch = (posted: Record<string, unknown>[]): typeof fetch =>
  (async (_url: string | URL | Request, init?: RequestInit) => {
    posted.push(JSON.parse(String(init?.body ?? '{}')));
    return new Response('ok');
  }) as typeof fetch;

/** The ingress handler on the moto stage, with the given extra environment and fetch. */
export const motoIngress = async (
  clients: MotoClients,
  env: Record<string, string>,
  fetch: typeof globalThis.fetch,
): Promise<{ handler: IngressHandler; tableName: string }> => {
  const { busName, tableName, secretName } = await motoStage(clients);
  const config = testConfig({
    EVENT_BUS_NAME: busName,
    DEPLOYMENTS_TABLE: tableName,
    SIGNING_SECRET_PARAM: secretName,
    ...env,
  });
  const { eventBridge, documents, ssm } = clients;
  const handler = createIngressHandler(
    buildDependencies(config, { eventBridge, dynamo: documents, ssm }, { logger: silentLogger(), fetch }),
  );
  return { handler, tableName };
};

/** A request the provisioner refused over a quota, as it leaves the record. */
export const quotaRefusal = (overrides: Partial<DeploymentRecord> = {}): DeploymentRecord =>
  deploymentItem({
    deployId: newId(),
    status: 'REJECTED',
    query: 'login',
    history: [
      { step: 'requested', at: new Date().toISOString() },
      { step: 'rejected', at: new Date().toISOString(), note: 'quota_exceeded' },
    ],
    ...overrides,
  });
