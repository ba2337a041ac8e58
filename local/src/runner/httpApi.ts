import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LocalServer, listen, readBody } from '../standins/httpServer';
import type { RouteBinding } from '../templates/runtimeBindings';
import type { InvokeResult } from './functionHost';
import {
  apiGatewayError,
  type BodyEncoding,
  fromHandlerResult,
  type HttpResponse,
  toHttpApiEvent,
} from './httpEvent';

export interface HttpRoute {
  binding: RouteBinding;
  invoke(event: unknown): Promise<InvokeResult>;
}

interface CompiledRoute extends HttpRoute {
  method: string;
  segments: string[];
  /** Higher wins: exact segments beat parameters, which beat a greedy `{proxy+}`, which beats `$default`. */
  score: number;
}

export interface RouteMatch {
  route: HttpRoute;
  pathParameters: Record<string, string>;
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');
const isGreedy = (segment: string) => isParameter(segment) && segment.endsWith('+}');

export const compileRoute = (route: HttpRoute): CompiledRoute => {
  const key = route.binding.routeKey;
  if (key === '$default') return { ...route, method: 'ANY', segments: [], score: -1 };
  const [method = 'ANY', path = '/'] = key.split(' ');
  const segments = path.split('/').filter(Boolean);
  const exact = segments.filter((s) => !isParameter(s)).length;
  const greedy = segments.some(isGreedy);
  return {
    ...route,
    method,
    segments,
    score: (greedy ? 0 : 1000) + exact * 10 + segments.length + (method === 'ANY' ? 0 : 1),
  };
};

/** One segment against one route segment: parameters captured, or false when it does not fit. */
const matchSegment = (segment: string, part: string | undefined, params: Record<string, string>): boolean => {
  if (part === undefined) return false;
  if (isParameter(segment)) params[segment.slice(1, -1)] = decodeURIComponent(part);
  return isParameter(segment) || segment === part;
};

const matchSegments = (route: CompiledRoute, parts: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [index, segment] of route.segments.entries()) {
    if (isGreedy(segment)) {
      if (parts[index] === undefined) return undefined;
      params[segment.slice(1, -2)] = parts.slice(index).map(decodeURIComponent).join('/');
      return params;
    }
    if (!matchSegment(segment, parts[index], params)) return undefined;
  }
  return parts.length === route.segments.length ? params : undefined;
};

/** The route API Gateway would pick for a request, or undefined (a 404). */
export const matchRoute = (routes: CompiledRoute[], method: string, path: string): RouteMatch | undefined => {
  const parts = path.split('/').filter(Boolean);
  const ranked = [...routes].sort((a, b) => b.score - a.score);
  for (const route of ranked) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    if (route.binding.routeKey === '$default') return { route, pathParameters: {} };
    const params = matchSegments(route, parts);
    if (params) return { route, pathParameters: params };
  }
  return undefined;
};

export interface HttpApiOptions {
  routes: HttpRoute[];
  port?: number;
  encoding?: BodyEncoding;
  onRequest?(line: string): void;
}

const respond = (res: ServerResponse, response: HttpResponse): void => {
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
};

const handle = async (
  req: IncomingMessage,
  routes: CompiledRoute[],
  options: HttpApiOptions,
): Promise<HttpResponse> => {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const match = matchRoute(routes, method, path);
  if (!match) return apiGatewayError(404, 'Not Found');
  const body = await readBody(req);
  const event = toHttpApiEvent({
    method,
    url: req.url ?? '/',
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    routeKey: match.route.binding.routeKey,
    pathParameters: match.pathParameters,
    host: req.headers.host ?? '127.0.0.1',
    encoding: options.encoding ?? 'auto',
  });
  const result = await match.route.invoke(event);
  if (result.ok) return fromHandlerResult(result.value);
  // API Gateway answers a timed-out integration with 503 and a failed one with 500, without details.
  return result.error.errorType === 'Sandbox.Timedout'
    ? apiGatewayError(503, 'Service Unavailable')
    : apiGatewayError(500, 'Internal Server Error');
};

/** One loopback server for every HTTP API route of every stack, answering like API Gateway. */
export const startHttpApi = async (options: HttpApiOptions): Promise<LocalServer> => {
  const routes = options.routes.map(compileRoute);
  return listen((req, res) => {
    const started = Date.now();
    handle(req, routes, options)
      .catch(() => apiGatewayError(500, 'Internal Server Error'))
      .then((response) => {
        respond(res, response);
        options.onRequest?.(`${req.method} ${req.url} → ${response.statusCode} (${Date.now() - started} ms)`);
      });
  }, options.port);
};
