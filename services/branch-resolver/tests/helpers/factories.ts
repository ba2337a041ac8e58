import { Logger } from '@aws-lambda-powertools/logger';
import { type DeployQuery, parseDeployQuery } from '@branch-envs/shared/deployQuery';
import { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import type { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import { newId } from '@branch-envs/shared/ids';
import { fixtureDetail } from '../../../../shared/tests/helpers/factories';
import type { ResolverSettings } from '../../src/domain/resolveRequest';

export { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';

export const ARTIFACT_KEYS = [
  'build-artifacts/{app}-{branch}.jar',
  'build-artifacts/{app}-{branch}-config.edn',
  'build-artifacts/{app}-{branch}-pgdump.gz',
];

/** The environment the packaged template declares, with test names. */
export const testEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
  STAGE: 'test',
  EVENT_BUS_NAME: 'branch-envs-test-bus',
  DEPLOYMENTS_TABLE: 'branch-envs-test-deployments',
  IDEMPOTENCY_TABLE: 'branch-envs-test-idempotency',
  RESOLVER_CACHE_TABLE: 'branch-envs-test-resolver-cache',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_OWNER: 'acme',
  GITHUB_REPO: 'shop',
  GITHUB_TOKEN_PARAM: '/branch-envs/test/github/token',
  GITHUB_PR_LISTING: 'rest',
  APP_NAME: 'shop',
  ARTIFACT_BUCKET: 'branch-envs-test-artifacts',
  ARTIFACT_KEYS: ARTIFACT_KEYS.join(','),
  ALLOW_CLOSED_PRS: 'false',
  ALLOW_BRANCH_WITHOUT_PR: 'false',
  MAX_REQUEST_AGE_SECONDS: '900',
  MAX_RECEIVE_COUNT: '5',
  ...overrides,
});

export const testSettings = (overrides: Partial<ResolverSettings> = {}): ResolverSettings => ({
  owner: 'acme',
  repo: 'shop',
  allowClosedPulls: false,
  allowBranchWithoutPull: false,
  maxRequestAgeSeconds: 900,
  artifactBucket: 'branch-envs-test-artifacts',
  artifactKeyTemplates: ARTIFACT_KEYS,
  appName: 'shop',
  ...overrides,
});

/** A fresh DeployRequested detail (new ids each time) for `query`, asked `ageSeconds` ago. */
export const deployRequested = (
  query: string,
  options: { fresh?: boolean; ageSeconds?: number; now?: Date } = {},
): DeployRequested => {
  const base = fixtureDetail(DeployRequested);
  const now = options.now ?? new Date();
  const occurredAt = new Date(now.getTime() - (options.ageSeconds ?? 1) * 1000).toISOString();
  const deployId = newId(now.getTime());
  const eventId = newId(now.getTime());
  return {
    metadata: { ...base.metadata, eventId, causationId: eventId, correlationId: deployId, occurredAt },
    data: { ...base.data, deployId, query, fresh: options.fresh ?? false },
  };
};

/** The same request as DeployRequested v2, as slack-ingress publishes it: the query also parsed. */
export const deployRequestedV2 = (
  query: string,
  options: { fresh?: boolean; ageSeconds?: number; now?: Date } = {},
): DeployRequestedV2 => {
  const { metadata, data } = deployRequested(query, options);
  return { metadata: { ...metadata, schemaVersion: 2 }, data: { ...data, parsedQuery: typedQuery(query) } };
};

/** A logger that keeps tests quiet unless they fail. */
export const quietLogger = (): Logger =>
  new Logger({ serviceName: 'branch-resolver-test', logLevel: 'SILENT' });

/** A query as a user types it, parsed by the shared parser; a refused one fails the test at once. */
export const typedQuery = (text: string): DeployQuery => {
  const parsed = parseDeployQuery(text);
  if (!parsed.ok) throw new Error(`${JSON.stringify(text)} is not a query: ${parsed.problem.code}`);
  return parsed.query;
};
