import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { WebhookTransportError } from '../errors';

/**
 * GitHub caps webhook payloads at 25 MB and does not deliver bigger ones; anything over that is
 * not GitHub. It is refused from the body's length before a byte is decoded or hashed. (In AWS, the
 * HTTP API and Lambda refuse far smaller bodies first; the check keeps the handler safe anywhere.)
 */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

export const WEBHOOK_ROUTE = 'POST /github/webhook';

export interface WebhookRequest {
  headers: Readonly<Record<string, string>>;
  rawBody: string;
}

const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
};

const isOurRoute = (event: APIGatewayProxyEventV2): boolean => {
  const method = (event.requestContext?.http?.method ?? 'POST').toUpperCase();
  return event.routeKey === WEBHOOK_ROUTE || `${method} ${event.rawPath}` === WEBHOOK_ROUTE;
};

/** The route, the headers and the body exactly as GitHub signed it (API Gateway may base64 it). */
export const readRequest = (event: APIGatewayProxyEventV2): WebhookRequest => {
  if (!isOurRoute(event)) throw new WebhookTransportError(404, 'no such route');
  const body = event.body ?? '';
  const limit = event.isBase64Encoded ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES;
  if (body.length > limit) throw new WebhookTransportError(413, 'body too large');
  const bytes = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new WebhookTransportError(413, 'body too large');
  return { headers: lowerCaseHeaders(event.headers), rawBody: bytes.toString('utf8') };
};

/** GitHub sends JSON when the webhook's content type is `application/json` (the one we document). */
export const parseJsonBody = (request: WebhookRequest): unknown => {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new WebhookTransportError(415, 'not application/json');
  try {
    return JSON.parse(request.rawBody) as unknown;
  } catch (error) {
    throw new WebhookTransportError(400, 'body is not JSON', { cause: error });
  }
};

/** A status and nothing else: authentication failures and malformed transport. */
export const bare = (statusCode: number): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: '',
});

/** What GitHub shows in the delivery's log; never anything secret. */
export const answer = (
  statusCode: number,
  body: Record<string, string>,
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});
