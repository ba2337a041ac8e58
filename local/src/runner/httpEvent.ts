import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** How request bodies reach the handler: like API Gateway (`auto`), or always plain text. */
export type BodyEncoding = 'auto' | 'plain';

/**
 * HTTP APIs hand text bodies over as they are and base64-encode the rest; form posts (Slack's slash
 * commands) arrive base64-encoded, which handlers must decode.
 */
const TEXT_TYPES = [
  /^text\//,
  /^application\/json/,
  /^application\/[^;]*\+json/,
  /^application\/xml/,
  /^application\/javascript/,
];

export const shouldBase64 = (contentType: string | undefined, encoding: BodyEncoding): boolean =>
  encoding === 'auto' && !TEXT_TYPES.some((pattern) => pattern.test((contentType ?? '').toLowerCase()));

export interface HttpRequestInput {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
  host: string;
  encoding: BodyEncoding;
  now?: Date;
}

const joinHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name !== 'cookie')
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
};

const queryParameters = (search: URLSearchParams): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
};

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's requestContext.time. */
const clfTime = (date: Date): string => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** The API Gateway HTTP API payload format 2.0 event for one request. */
export const toHttpApiEvent = (input: HttpRequestInput): APIGatewayProxyEventV2 => {
  const now = input.now ?? new Date();
  const url = new URL(input.url, `http://${input.host}`);
  const headers = joinHeaders(input.headers);
  const base64 = shouldBase64(headers['content-type'], input.encoding);
  const cookies = input.headers.cookie?.split(';').map((c) => c.trim());
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: input.host,
      domainPrefix: input.host.split('.')[0] ?? input.host,
      http: {
        method: input.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: input.body.length > 0 && base64,
  };
  if (cookies) event.cookies = cookies;
  const query = queryParameters(url.searchParams);
  if (query) event.queryStringParameters = query;
  if (input.pathParameters && Object.keys(input.pathParameters).length > 0)
    event.pathParameters = input.pathParameters;
  if (input.body.length > 0)
    event.body = base64 ? input.body.toString('base64') : input.body.toString('utf8');
  return event;
};

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const isStructured = (
  value: unknown,
): value is {
  statusCode: number;
  headers?: Record<string, unknown>;
  cookies?: string[];
  body?: unknown;
  isBase64Encoded?: boolean;
} =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { statusCode?: unknown }).statusCode === 'number';

const bodyBuffer = (body: unknown, base64: boolean): Buffer => {
  if (body === undefined) return Buffer.alloc(0);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return base64 ? Buffer.from(text, 'base64') : Buffer.from(text);
};

/**
 * Maps a handler's result to the HTTP response the way payload format 2.0 does: a result with a
 * `statusCode` is used as-is; anything else is a 200 with the value as a JSON body (a string as-is).
 */
export const fromHandlerResult = (result: unknown): HttpResponse => {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = bodyBuffer(result.body, result.isBase64Encoded === true);
  if (!headers['content-type'] && body.length > 0) headers['content-type'] = 'application/json';
  return { statusCode: result.statusCode, headers, body };
};

export const apiGatewayError = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});
