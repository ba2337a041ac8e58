import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventContract } from '@branch-envs/shared';
import type { Context } from 'aws-lambda';
import { motoConfig, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { loadNotifierConfig } from '../../src/config';
import { buildNotifyHandler } from '../../src/wiring';
import { lambdaContext, recordOf, silentLogger, sqsEvent, testEnv } from './factories';
import { countingTelemetry } from './fakePorts';
import { createNotifierTable } from './notifierTable';
import { startGithubStub, startSlackStub } from './stubServers';

export const BOT_TOKEN = 'xoxb-test-token';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
const ssm = new SSMClient(motoConfig());

export interface HarnessOptions {
  /** The bot token stored in SSM; undefined stores none (no bot route). */
  botToken?: string | undefined;
  webhook?: boolean;
  visibility?: 'ephemeral' | 'in_channel';
  logger?: Logger;
}

const putSecret = (Name: string, Value: string) =>
  ssm.send(new PutParameterCommand({ Name, Value, Type: 'SecureString', Overwrite: true }));

/**
 * The notify handler wired to moto (its table, the idempotency table, SSM secrets) and to local
 * Slack and GitHub stand-ins. `send` delivers SQS batches as Lambda would.
 */
export const startHarness = async (options: HarnessOptions = {}) => {
  const stage = uniqueName('nt');
  const [notifierTable, idempotencyTable, slack, github] = await Promise.all([
    createNotifierTable(dynamo),
    createPlatformTable(dynamo, 'IdempotencyTable'),
    startSlackStub({ botToken: BOT_TOKEN }),
    startGithubStub(),
  ]);
  const params = {
    BOT_TOKEN_PARAM: `/branch-envs/${stage}/slack/bot-token`,
    SLACK_WEBHOOK_PARAM: `/branch-envs/${stage}/slack/webhook-url`,
    GITHUB_TOKEN_PARAM: `/branch-envs/${stage}/github/token`,
  };
  const botToken = 'botToken' in options ? options.botToken : BOT_TOKEN;
  if (botToken) await putSecret(params.BOT_TOKEN_PARAM, botToken);
  await putSecret(params.GITHUB_TOKEN_PARAM, 'ghp-test');
  const env = testEnv({
    STAGE: stage,
    NOTIFIER_TABLE: notifierTable,
    IDEMPOTENCY_TABLE: idempotencyTable,
    MESSAGE_VISIBILITY: options.visibility ?? 'ephemeral',
    ...params,
    SLACK_HOOKS_ORIGIN: slack.url,
    SLACK_API_BASE: `${slack.url}/api`,
    SLACK_WEBHOOK_URL: options.webhook ? `${slack.url}/webhook/test` : undefined,
    GITHUB_API_URL: github.url,
  });
  const sleeps: number[] = [];
  const telemetry = countingTelemetry();
  const build = (idempotency = idempotencyTable) =>
    buildNotifyHandler({
      config: loadNotifierConfig({ ...env, IDEMPOTENCY_TABLE: idempotency }),
      dynamo,
      documents,
      ssm,
      logger: options.logger ?? silentLogger(),
      telemetry: telemetry.telemetry,
      clock: {
        now: () => new Date(),
        sleep: async (ms) => {
          sleeps.push(ms);
          await new Promise((resolve) => setTimeout(resolve, ms));
        },
      },
    });
  let handler = build();

  return {
    slack,
    github,
    sleeps,
    counts: telemetry.counts,
    notifierTable,
    /** Delivers one SQS batch; each entry is [contract, detail]. */
    send: (batch: [EventContract, unknown][], context: Context = lambdaContext('notify')) =>
      handler(sqsEvent(...batch.map(([contract, detail]) => recordOf(contract, detail))), context),
    /** A handler whose idempotency records are gone, as after their expiry: only ordering guards. */
    forgetHandledEvents: async () => {
      handler = build(await createPlatformTable(dynamo, 'IdempotencyTable'));
    },
    stop: async () => {
      await Promise.all([slack.stop(), github.stop()]);
    },
  };
};

export type Harness = Awaited<ReturnType<typeof startHarness>>;
