import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SlackMessage } from '../domain/blocks';
import { SlackTransportError } from '../errors';

/**
 * The HTTP edge: API Gateway HTTP API (payload 2.0) events in, Slack-shaped answers out. Slack sends
 * form bodies; API Gateway may hand them over base64-encoded, and the signature covers the bytes
 * Slack sent, so the body is decoded before anything else reads it.
 */

export type Route = 'commands' | 'interactions' | 'events';

/** Slack's own bodies are a few KB; anything this big is not Slack. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface SlackHttpRequest {
  route: Route;
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

const ROUTES: Readonly<Record<string, Route>> = {
  'POST /slack/commands': 'commands',
  'POST /slack/interactions': 'interactions',
  'POST /slack/events': 'events',
};

const routeOf = (event: APIGatewayProxyEventV2): Route | undefined => {
  const method = event.requestContext?.http?.method ?? 'POST';
  return ROUTES[event.routeKey] ?? ROUTES[`${method.toUpperCase()} ${event.rawPath}`];
};

const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
};

/** Route, headers and the exact body bytes; refuses what is too big before decoding all of it. */
export const readRequest = (event: APIGatewayProxyEventV2): SlackHttpRequest => {
  const route = routeOf(event);
  if (!route) throw new SlackTransportError(404, 'no such route');
  const body = event.body ?? '';
  const limit = event.isBase64Encoded ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES;
  if (body.length > limit) throw new SlackTransportError(413, 'body too large');
  const rawBody = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (rawBody.length > MAX_BODY_BYTES) throw new SlackTransportError(413, 'body too large');
  return { route, headers: lowerCaseHeaders(event.headers), rawBody };
};

export const assertFormBody = (headers: Readonly<Record<string, string>>): void => {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new SlackTransportError(415, 'not a form body');
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A reply only the user sees; Slack shows the body of a slash command's 200 in place. */
export const ephemeral = (message: SlackMessage): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({ response_type: 'ephemeral', ...message }),
});

/** Interactivity: Slack wants a quick empty 200; the answer goes to the payload's response_url. */
export const acknowledged = (): APIGatewayProxyStructuredResultV2 => ({ statusCode: 200, body: '' });

/** Authentication failures and malformed transport: a status and nothing that helps a prober. */
export const bare = (statusCode: number): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: '',
});
