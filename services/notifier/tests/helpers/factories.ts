import { Logger } from '@aws-lambda-powertools/logger';
import {
  BranchResolved,
  DeployFailed,
  DeployRejected,
  type DetailOf,
  type EventContract,
  ExpiryExtended,
  InstanceExpiring,
  InstanceLaunched,
  InstanceReady,
  InstanceTerminated,
  newId,
  type ReplyTo,
  RequestRefused,
} from '@branch-envs/shared';
import type { SQSRecord } from 'aws-lambda';
import { fixtureDetail, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { loadNotifierConfig, type NotifierConfig } from '../../src/config';
import type { NotifierEvent } from '../../src/domain/plan';

export { lambdaContext, sqsEvent } from '../../../../shared/tests/helpers/factories';

/** The fixtures' deployment; unit tests use it, integration tests mint their own. */
export const DEPLOY_ID = '01KB0W8J6QF3ZC9D2M4N5P7R8S';
/** A fixed "now" just after the fixtures' events, so rendered ages and times never drift. */
export const FIXTURE_NOW = new Date('2026-11-26T09:00:30.000Z');

/** The stage's nightly shutdown in tests, as the reaper's default: 19:00 Europe/Helsinki. */
export const HELSINKI_NIGHTLY = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' } as const;
/** What messages are rendered against: the fixtures' "now" and the nightly shutdown. */
export const FIXTURE_VIEW = { now: FIXTURE_NOW, nightly: HELSINKI_NIGHTLY };

export const silentLogger = (): Logger => new Logger({ serviceName: 'notifier-test', logLevel: 'SILENT' });

/** The environment the packaged template declares, with test names. */
export const testEnv = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  STAGE: 'test',
  POWERTOOLS_SERVICE_NAME: 'notifier',
  NOTIFIER_TABLE: 'branch-envs-test-notifier-messages',
  IDEMPOTENCY_TABLE: 'branch-envs-test-idempotency',
  MESSAGE_VISIBILITY: 'ephemeral',
  BOT_TOKEN_PARAM: '/branch-envs/test/slack/bot-token',
  SLACK_WEBHOOK_PARAM: '/branch-envs/test/slack/webhook-url',
  GITHUB_TOKEN_PARAM: '/branch-envs/test/github/token',
  GITHUB_OWNER: 'acme',
  GITHUB_REPO: 'shop',
  SLACK_HOOKS_ORIGIN: 'https://hooks.slack.com',
  SLACK_API_BASE: 'https://slack.com/api',
  GITHUB_API_URL: 'https://api.github.com',
  ...overrides,
});

export const testConfig = (overrides: Record<string, string | undefined> = {}): NotifierConfig =>
  loadNotifierConfig(testEnv(overrides));

/** A fresh response_url; each test gets its own, as each Slack request does. */
export const responseUrl = (): string =>
  `https://hooks.slack.com/commands/T0001ABCD/${Date.now()}/${newId().toLowerCase()}`;

export const replyTo = (overrides: Partial<ReplyTo> = {}): ReplyTo => ({
  userId: 'U024BE7LH',
  channelId: 'C0123ABCD',
  responseUrl: responseUrl(),
  issuedAt: new Date().toISOString(),
  ...overrides,
});

/** A contract's fixture with a fresh eventId and the given data, as a producer would publish it. */
export const detailOf = <C extends EventContract>(
  contract: C,
  data: Record<string, unknown> = {},
): DetailOf<C> => {
  const fixture = fixtureDetail(contract) as {
    metadata: Record<string, unknown>;
    data: Record<string, unknown>;
  };
  // An event about a queued request that never started has an entryId instead (QueuedDeployEnded).
  const deployId = data.deployId ?? fixture.data.deployId ?? data.entryId ?? fixture.data.entryId;
  // Parsed, so a test that builds an event the contract refuses fails here, not in the handler.
  return contract.detail.parse({
    metadata: { ...fixture.metadata, eventId: newId(), correlationId: deployId },
    data: { ...fixture.data, ...data },
  }) as DetailOf<C>;
};

/** A consumed event, as the consumer hands it to the handler. */
export const consumed = <C extends EventContract>(
  contract: C,
  data: Record<string, unknown> = {},
): NotifierEvent => ({ detailType: contract.detailType, detail: detailOf(contract, data) }) as NotifierEvent;

export const recordOf = (contract: EventContract, detail: unknown): SQSRecord =>
  sqsRecordFor(contract.detailType, detail);

/** One deployment's events, all carrying the same deployId and reply address. */
export const deploymentStory = (options: { deployId?: string; replyTo?: ReplyTo } = {}) => {
  const deployId = options.deployId ?? newId();
  const reply = options.replyTo ?? replyTo();
  const base = { deployId, replyTo: reply };
  return {
    deployId,
    replyTo: reply,
    resolved: (data: Record<string, unknown> = {}) => detailOf(BranchResolved, { ...base, ...data }),
    rejected: (data: Record<string, unknown> = {}) => detailOf(DeployRejected, { ...base, ...data }),
    launched: (data: Record<string, unknown> = {}) => detailOf(InstanceLaunched, { ...base, ...data }),
    ready: (data: Record<string, unknown> = {}) => detailOf(InstanceReady, { ...base, ...data }),
    failed: (data: Record<string, unknown> = {}) => detailOf(DeployFailed, { ...base, ...data }),
    expiring: (data: Record<string, unknown> = {}) => detailOf(InstanceExpiring, { ...base, ...data }),
    extended: (data: Record<string, unknown> = {}) => detailOf(ExpiryExtended, { ...base, ...data }),
    terminated: (data: Record<string, unknown> = {}) => detailOf(InstanceTerminated, { ...base, ...data }),
    refused: (data: Record<string, unknown> = {}) =>
      detailOf(RequestRefused, { deployId, requestId: newId(), replyTo: reply, ...data }),
  };
};

export {
  BranchResolved,
  DeployFailed,
  DeployRejected,
  ExpiryExtended,
  InstanceExpiring,
  InstanceLaunched,
  InstanceReady,
  InstanceTerminated,
  RequestRefused,
};
