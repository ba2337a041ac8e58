import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createQueueStore } from '@branch-envs/shared/deployments/queueStore';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { createSecretReader } from '@branch-envs/shared/secrets';
import { createDeploymentReader } from './adapters/deploymentReader';
import { createSlackGroupDirectory } from './adapters/slackUserGroups';
import { createSlackViews } from './adapters/slackViews';
import { SecretUnavailableError } from './errors';
import { createHomeHandler } from './handlers/createHomeHandler';
import type { HomeConfig } from './homeConfig';

export interface HomeClients {
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  ssm: SSMClient;
}

/** The `home` handler on its ports: the one place Lambda and the tests wire it. */
export const buildHomeHandler = (
  config: HomeConfig,
  clients: HomeClients,
  options: { logger?: Logger; fetch?: typeof fetch; now?: () => Date } = {},
) => {
  const { ingress } = config;
  const send = options.fetch ?? fetch;
  const secrets = createSecretReader(clients.ssm);
  const token = ingress.botTokenParam
    ? secrets.required(ingress.botTokenParam)
    : () => Promise.reject(new SecretUnavailableError('BOT_TOKEN_PARAM (not configured)'));
  const repository = createDeploymentRepository({
    client: clients.documents,
    tableName: ingress.deploymentsTable,
  });
  return createHomeHandler({
    settings: config.settings,
    ports: {
      views: createSlackViews({ apiBase: ingress.slackApiBase, token, fetch: send }),
      groups: createSlackGroupDirectory({ apiBase: ingress.slackApiBase, token, fetch: send }),
      deployments: createDeploymentReader(repository),
      queue: createQueueStore({ client: clients.documents, tableName: ingress.deploymentsTable }),
      now: options.now ?? (() => new Date()),
    },
    persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
    ...(options.logger ? { logger: options.logger } : {}),
  });
};
