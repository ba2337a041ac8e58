import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ResponsePoster } from '../adapters/responseUrl';
import { notice, somethingWentWrong } from '../domain/blocks';
import { FORM } from '../domain/deployForm';
import { type Command, handleCommand, parseButton, parseSlashCommand } from '../domain/handleCommand';
import { replies } from '../domain/messages/replies';
import type { IngressPorts, IngressSettings, Outcome } from '../domain/ports';
import { checkSlackSignature } from '../domain/signature';
import { SlackTransportError } from '../errors';
import { handleFormPayload } from './formInteractions';
import { parseFormPayload } from './formPayloads';
import { parseButtonPress, parseSlashCommandForm } from './forms';
import { handleSlackEvent } from './slackEvents';
import {
  acknowledged,
  assertFormBody,
  bare,
  ephemeral,
  readRequest,
  type SlackHttpRequest,
} from './slackHttp';

export interface IngressDependencies {
  settings: IngressSettings;
  ports: IngressPorts;
  signingSecret: () => Promise<string>;
  responses: ResponsePoster;
  logger: Logger;
}

export type IngressHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Slack only re-sends when our first answer was late, and ingress publishes before it answers, so
 * the first delivery has already published. Re-publishing would start a second environment; a
 * dedupe store would need a write on the request path. The cost: if the first delivery died before
 * publishing, the user retypes the command. See the README.
 */
const RETRY_NOTICE = notice(replies.slackRetry);

const logOutcome = (logger: Logger, command: Command, outcome: Outcome, userId: string): void => {
  logger.info('request handled', {
    command: command.kind,
    outcome: outcome.kind,
    userId,
    ...(outcome.kind === 'published'
      ? { detailType: outcome.detailType, correlationId: outcome.correlationId }
      : {}),
  });
};

const handleSlashCommand = async (form: URLSearchParams, deps: IngressDependencies) => {
  const { command, text, actor, channel_id, response_url } = parseSlashCommandForm(form);
  const conversation = {
    channelId: channel_id,
    responseUrl: response_url,
    issuedAt: deps.ports.now().toISOString(),
  };
  const request = { command, text, actor, conversation };
  const parsed = parseSlashCommand(request, deps.settings);
  const outcome = await handleCommand(parsed, request, deps.settings, deps.ports);
  logOutcome(deps.logger, parsed, outcome, actor.userId);
  return ephemeral(outcome.message);
};

/**
 * A published button request replaces the message it came from, unless it asks to keep it ([Logs]
 * on a ready message must not take the URL away); anything else is a private note.
 */
const replyBody = (outcome: Outcome): Record<string, unknown> =>
  outcome.kind === 'published' && !outcome.keepOriginal
    ? { replace_original: true, ...outcome.message }
    : { response_type: 'ephemeral', replace_original: false, ...outcome.message };

const handleButton = async (form: URLSearchParams, deps: IngressDependencies, ref: string) => {
  const press = parseButtonPress(form);
  const conversation = {
    channelId: press.channelId,
    ...(press.responseUrl ? { responseUrl: press.responseUrl } : {}),
    issuedAt: deps.ports.now().toISOString(),
  };
  const request = { actionId: press.actionId, value: press.value, actor: press.actor, conversation };
  let body: Record<string, unknown>;
  try {
    const parsed = parseButton(request, deps.settings);
    const outcome = await handleCommand(parsed, request, deps.settings, deps.ports);
    logOutcome(deps.logger, parsed, outcome, press.actor.userId);
    body = replyBody(outcome);
  } catch (error) {
    deps.logger.error('button request failed', { error, ref });
    body = { response_type: 'ephemeral', replace_original: false, ...somethingWentWrong(ref) };
  }
  if (press.responseUrl) await deps.responses.post(press.responseUrl, body);
  else deps.logger.info('home press answered by the refreshed view', { outcome: body.text, ref });
  return acknowledged();
};

const handleVerified = (request: SlackHttpRequest, deps: IngressDependencies, ref: string) => {
  if (request.route === 'events')
    return handleSlackEvent(request, { publisher: deps.ports.publisher, logger: deps.logger });
  assertFormBody(request.headers);
  const form = new URLSearchParams(request.rawBody.toString('utf8'));
  if (request.headers['x-slack-retry-num'] !== undefined) {
    deps.logger.info('slack retry acknowledged without publishing', {
      retryNum: request.headers['x-slack-retry-num'],
    });
    return request.route === 'commands' ? ephemeral(RETRY_NOTICE) : acknowledged();
  }
  return request.route === 'commands' ? handleSlashCommand(form, deps) : handleInteraction(form, deps, ref);
};

/** The Deploy form's payloads go to their own handler; every other interaction is a button press. */
const handleInteraction = (form: URLSearchParams, deps: IngressDependencies, ref: string) => {
  const payload = parseFormPayload(parseJsonOrUndefined(form.get('payload') ?? ''), FORM.openAction);
  return payload.kind === 'other' ? handleButton(form, deps, ref) : handleFormPayload(payload, deps, ref);
};

const parseJsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const handleRequest = async (event: APIGatewayProxyEventV2, deps: IngressDependencies, ref: string) => {
  const request = readRequest(event);
  const secret = await deps.signingSecret();
  const nowSeconds = Math.floor(deps.ports.now().getTime() / 1000);
  const signed = {
    timestamp: request.headers['x-slack-request-timestamp'],
    signature: request.headers['x-slack-signature'],
    rawBody: request.rawBody,
  };
  const check = checkSlackSignature(signed, secret, nowSeconds);
  if (check !== 'valid') {
    deps.logger.warn('request signature rejected', { reason: check, route: request.route });
    return bare(401);
  }
  return handleVerified(request, deps, ref);
};

/**
 * The Lambda handler for all three routes. Nothing escapes as a 5xx: transport problems are bare 4xx,
 * anything unexpected (PutEvents failing, SSM down) is logged with a reference and answered with a
 * friendly ephemeral message carrying it.
 */
export const createIngressHandler =
  (deps: IngressDependencies): IngressHandler =>
  async (event, context) => {
    const ref = context.awsRequestId || event.requestContext?.requestId || 'unknown';
    try {
      return await handleRequest(event, deps, ref);
    } catch (error) {
      if (error instanceof SlackTransportError) {
        deps.logger.info('malformed request refused', {
          statusCode: error.statusCode,
          reason: error.message,
        });
        return bare(error.statusCode);
      }
      deps.logger.error('request failed', { error, ref });
      return ephemeral(somethingWentWrong(ref));
    }
  };
