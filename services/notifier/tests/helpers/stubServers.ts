import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small Slack and GitHub stand-ins for the integration tests, on loopback ports. They answer like the
 * local stack's catcher and GitHub stand-in (same routes and shapes), and can be told to fail.
 */

export interface Caught {
  kind: 'response_url' | 'chat.postMessage' | 'chat.update' | 'webhook' | 'github';
  path: string;
  body: Record<string, unknown>;
  status: number;
  channel?: string;
  ts?: string;
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
};

const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
};

const listen = async (handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) => {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export const startSlackStub = async (options: { botToken: string }) => {
  const caught: Caught[] = [];
  const uses = new Map<string, number>();
  const scripts: Scripted[] = [];
  let ts = 100;

  const kindOf = (path: string): Caught['kind'] | undefined => {
    if (path === '/api/chat.postMessage') return 'chat.postMessage';
    if (path === '/api/chat.update') return 'chat.update';
    if (path.startsWith('/commands/') || path.startsWith('/actions/')) return 'response_url';
    if (path.startsWith('/webhook/')) return 'webhook';
    return undefined;
  };

  const chat = (kind: Caught['kind'], path: string, body: Record<string, unknown>, res: ServerResponse) => {
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    if (!channel) return answer(res, 200, { ok: false, error: 'channel_not_found' });
    if (kind === 'chat.update') {
      const original = caught.find((c) => c.channel === channel && c.ts === body.ts);
      if (!original) return answer(res, 200, { ok: false, error: 'message_not_found' });
      caught.push({ kind, path, body, status: 200, channel, ts: original.ts });
      return answer(res, 200, { ok: true, channel, ts: original.ts });
    }
    ts += 1;
    const messageTs = `1764147600.000${ts}`;
    caught.push({ kind, path, body, status: 200, channel, ts: messageTs });
    return answer(res, 200, { ok: true, channel, ts: messageTs });
  };

  /** What Slack itself would answer: use counts on response URLs, the token on the chat API. */
  const route = (
    req: IncomingMessage,
    res: ServerResponse,
    kind: Caught['kind'],
    path: string,
    body: Record<string, unknown>,
  ) => {
    if (kind === 'response_url') {
      const count = (uses.get(path) ?? 0) + 1;
      uses.set(path, count);
      if (count > 5) return answer(res, 404, 'used_url');
    }
    if (kind === 'chat.postMessage' || kind === 'chat.update') {
      if (req.headers.authorization !== `Bearer ${options.botToken}`) {
        return answer(res, 200, { ok: false, error: 'invalid_auth' });
      }
      return chat(kind, path, body, res);
    }
    caught.push({ kind, path, body, status: 200 });
    return answer(res, 200, 'ok');
  };

  const server = await listen(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const body = await readJson(req);
    const kind = kindOf(path);
    if (!kind) return answer(res, 404, { ok: false, error: 'unknown_method' });
    const script = scripts.shift();
    if (!script) return route(req, res, kind, path, body);
    caught.push({ kind, path, body, status: script.status });
    return answer(res, script.status, script.body ?? '', script.headers);
  });

  return {
    ...server,
    /** Messages Slack accepted, in order. */
    delivered: () => caught.filter((c) => c.status === 200),
    all: () => caught,
    /** The next requests, whatever their route, get these answers instead. */
    script: (...answers: Scripted[]) => scripts.push(...answers),
  };
};

export const startGithubStub = async () => {
  const deployments: { id: number; body: Record<string, unknown> }[] = [];
  const statuses: { deploymentId: number; body: Record<string, unknown> }[] = [];
  let failures = 0;
  let nextId = 1000;

  const server = await listen(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const body = await readJson(req);
    if (failures > 0) {
      failures -= 1;
      return answer(res, 500, { message: 'Server Error' });
    }
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path)) {
      nextId += 1;
      deployments.push({ id: nextId, body });
      return answer(res, 201, { id: nextId, ...body });
    }
    const status = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(path);
    if (req.method === 'POST' && status) {
      statuses.push({ deploymentId: Number(status[1]), body });
      return answer(res, 201, { id: statuses.length, ...body });
    }
    return answer(res, 404, { message: 'Not Found' });
  });

  return {
    ...server,
    deployments: () => deployments,
    statuses: () => statuses,
    /** The next `count` requests answer 500. */
    failNext: (count: number) => {
      failures = count;
    },
  };
};
