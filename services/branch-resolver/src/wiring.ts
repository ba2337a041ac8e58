import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventConsumer } from '@branch-envs/shared/consumer';
import { createBranchClaims } from '@branch-envs/shared/deployments/branchClaims';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { logger as rootLogger } from '@branch-envs/shared/observability';
import { createPublisher } from '@branch-envs/shared/publish';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createArtifactStore } from './adapters/artifactStore';
import { createDeploymentLookup } from './adapters/deploymentLookup';
import { createDynamoEtagCache, type EtagCache } from './adapters/etagCache';
import { createGithubClient } from './adapters/githubClient';
import { createGithubGateway, type GithubGateway } from './adapters/githubGateway';
import { githubTokenReader } from './adapters/githubToken';
import type { ResolverConfig } from './config';
import { createDeployRequestHandler } from './handlers/createDeployRequestHandler';

export interface ResolverClients {
  dynamo: DynamoDBClient;
  eventBridge: EventBridgeClient;
  s3: S3Client;
  ssm: SSMClient;
}

export interface ResolverOverrides {
  /** Tests shorten plugin-retry's wait. */
  retryBaseMs?: number;
  cache?: EtagCache;
  logger?: Logger;
  now?: () => Date;
}

/** The GitHub gateway, built once the token has been read (once per cold start). */
const lazyGateway = (
  config: ResolverConfig,
  clients: ResolverClients,
  cache: EtagCache,
  logger: Logger,
  retryBaseMs: number | undefined,
) => {
  const readToken = githubTokenReader(clients.ssm, config.github.tokenParam);
  let built: GithubGateway | undefined;
  return async (): Promise<GithubGateway> => {
    const token = await readToken();
    const { apiUrl, timeoutMs, retries, listing } = config.github;
    built ??= createGithubGateway({
      octokit: createGithubClient({ baseUrl: apiUrl, token, timeoutMs, retries, retryBaseMs, logger }),
      owner: config.settings.owner,
      repo: config.settings.repo,
      cache,
      token,
      listing,
      logger,
    });
    return built;
  };
};

/** The deployments table as the resolver uses it: reads, branch claims and REJECTED. */
const deploymentLookupFor = (documents: DynamoDBDocumentClient, tableName: string, now?: () => Date) => {
  const repository = createDeploymentRepository({ client: documents, tableName });
  const claims = createBranchClaims({ client: documents, tableName, ...(now ? { now } : {}) });
  return createDeploymentLookup(repository, claims, now);
};

/**
 * Wires the SQS handler from config and AWS clients. The Lambda entry point calls it once at module
 * scope; integration tests call it with moto clients.
 */
export const buildResolverHandler = (
  config: ResolverConfig,
  clients: ResolverClients,
  overrides: ResolverOverrides = {},
): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  const logger = overrides.logger ?? rootLogger;
  const documents = DynamoDBDocumentClient.from(clients.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const cache =
    overrides.cache ??
    createDynamoEtagCache({
      client: documents,
      tableName: config.cacheTable,
      ttlSeconds: config.cacheTtlSeconds,
    });
  const handler = createDeployRequestHandler({
    github: lazyGateway(config, clients, cache, logger, overrides.retryBaseMs),
    artifacts: createArtifactStore(clients.s3, config.settings.artifactBucket),
    deployments: deploymentLookupFor(documents, config.deploymentsTable, overrides.now),
    publisher: createPublisher({
      client: clients.eventBridge,
      busName: config.eventBusName,
      producer: 'branch-resolver',
      ...(overrides.now ? { now: overrides.now } : {}),
    }),
    settings: config.settings,
    maxReceiveCount: config.maxReceiveCount,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  return createEventConsumer({
    contracts: contractsConsumedBy('branch-resolver'),
    handler,
    persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
    logger,
  });
};
