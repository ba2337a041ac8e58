import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type LocalServer, listen, readBody } from '../standins/httpServer';
import type { CallInfo, FaultAnswer } from './faultAnswers';
import type { Dependency } from './faultSpec';

/** What the layer did with one request. */
export type FaultKind = 'answer' | 'reset' | 'timeout';

/** A fault chosen for a request: an error answer instead of forwarding, a reset, or a lost answer. */
export type Fault = { kind: 'answer'; answer: FaultAnswer } | { kind: 'reset' } | { kind: 'timeout' };

export interface Upstream {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Called once the upstream has answered; true when it killed the caller, so the answer is dropped. */
export type AfterForward = (call: CallInfo & { operation: string }, socket: Socket) => Promise<boolean>;

export interface FaultProxyOptions {
  dependency: Dependency;
  /** Where requests go when no fault is injected. */
  target: string;
  /** The fault for this request, or undefined to forward it untouched. */
  chooseFault(call: CallInfo & { operation: string }): Fault | undefined;
  operationOf(call: CallInfo): string;
  /** How long a "timeout" holds the connection before dropping it (the upstream did get the request). */
  timeoutMs: number;
  afterForward?: AfterForward;
  /** Every request's outcome (`none`, a fault's code, `reset`, `timeout`, `crash`), with the request. */
  onCall?(event: { dependency: Dependency; operation: string; fault: string; call: CallInfo }): void;
}

export interface FaultProxy extends LocalServer {
  dependency: Dependency;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

const forward = (target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> =>
  new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers as Upstream['headers'],
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });

const reply = (
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
) => {
  const clean = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
  res.writeHead(status, { ...clean, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const handle = async (options: FaultProxyOptions, target: URL, req: IncomingMessage, res: ServerResponse) => {
  const body = await readBody(req);
  const info: CallInfo = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    body: body.toString('utf8'),
  };
  const call = { ...info, operation: options.operationOf(info) };
  const fault = options.chooseFault(call);
  const note = (what: string) =>
    options.onCall?.({ dependency: options.dependency, operation: call.operation, fault: what, call: info });
  if (fault?.kind === 'reset') {
    note('reset');
    return req.socket.destroy();
  }
  if (fault?.kind === 'answer') {
    note(fault.answer.code);
    return reply(res, fault.answer.status, fault.answer.headers, fault.answer.body);
  }
  const upstream = await forward(target, req, body).catch((error: Error) => error);
  if (upstream instanceof Error) {
    note('upstream_unreachable');
    return reply(res, 502, { 'content-type': 'text/plain' }, `fault layer: ${upstream.message}`);
  }
  if (fault?.kind === 'timeout') {
    note('timeout');
    await sleep(options.timeoutMs);
    return req.socket.destroy();
  }
  if (options.afterForward && (await options.afterForward(call, req.socket))) {
    note('crash');
    return req.socket.destroy();
  }
  note('none');
  reply(res, upstream.status, upstream.headers, upstream.body);
};

/**
 * A reverse proxy on node:http in front of one dependency (ADR 0017). Each request is read whole,
 * then either answered with a fault or forwarded and its answer passed back; the services only see
 * its URL in place of the dependency's.
 */
export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(options.target);
  const server = await listen((req, res) => {
    handle(options, target, req, res).catch(() => req.socket.destroy());
  });
  return { ...server, dependency: options.dependency };
};
