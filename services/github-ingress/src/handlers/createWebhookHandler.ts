import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReadSecret } from '@branch-envs/shared/secrets';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { DeliveryPublisher } from '../domain/ports';
import { isValidSignature } from '../domain/signature';
import { decide, type Repository } from '../domain/webhook';
import { WebhookTransportError } from '../errors';
import { answer, bare, parseJsonBody, readRequest, type WebhookRequest } from './webhookHttp';

export interface WebhookDependencies {
  repository: Repository;
  webhookSecret: ReadSecret<string>;
  deliveries: DeliveryPublisher & { registerContext?(context: Context): void };
  logger: Logger;
}

type Result = APIGatewayProxyStructuredResultV2;

/** A GUID in GitHub's deliveries; bounded so it can be a key and a log field. */
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

const verified = async (request: WebhookRequest, deps: WebhookDependencies): Promise<boolean> => {
  const signature = request.headers['x-hub-signature-256'];
  if (!signature) return false;
  return isValidSignature(await deps.webhookSecret(), request.rawBody, signature);
};

/** After the signature: what the delivery asks for, and GitHub's answer. */
const handleVerified = async (request: WebhookRequest, deps: WebhookDependencies): Promise<Result> => {
  const eventName = request.headers['x-github-event'] ?? '';
  const deliveryId = request.headers['x-github-delivery'] ?? '';
  if (!DELIVERY_ID.test(deliveryId)) return bare(400);
  const log = deps.logger.createChild({ persistentKeys: { deliveryId, githubEvent: eventName } });
  const decision = decide(eventName, deliveryId, parseJsonBody(request), deps.repository);
  if (decision.kind === 'ping') return answer(200, { result: 'pong' });
  if (decision.kind === 'ignored') {
    log.info('Delivery ignored', { reason: decision.reason });
    return answer(202, { result: 'ignored', reason: decision.reason });
  }
  const outcome = await deps.deliveries.publishOnce(deliveryId, decision.data);
  log.info('PullRequestClosed', {
    outcome,
    branch: decision.data.branch,
    prNumber: decision.data.prNumber,
    merged: decision.data.merged,
  });
  return answer(202, { result: outcome });
};

/**
 * `POST /github/webhook` (README): size first, then the signature over the exact body, and only
 * then anything else. Every authentication failure is a bare 401; malformed transport a bare 4xx.
 * An internal failure (the secret, the table or the bus) is a bare 500, so GitHub marks the
 * delivery failed and it can be redelivered; nothing was recorded for it.
 */
export const createWebhookHandler =
  (deps: WebhookDependencies) =>
  async (event: APIGatewayProxyEventV2, context?: Context): Promise<Result> => {
    if (context) deps.deliveries.registerContext?.(context);
    try {
      const request = readRequest(event);
      if (!(await verified(request, deps))) return bare(401);
      return await handleVerified(request, deps);
    } catch (error) {
      if (error instanceof WebhookTransportError) return bare(error.statusCode);
      deps.logger.error('Webhook delivery failed', { error });
      return bare(500);
    }
  };
