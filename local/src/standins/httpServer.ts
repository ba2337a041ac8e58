import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';

/** A loopback HTTP server of the local stack, stoppable without waiting for idle keep-alive sockets. */
export interface LocalServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** One request as a stand-in received it, whole: for tests that check what the services send. */
export interface HeardRequest {
  server: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Receives every request a stand-in hears (the e2e secrets scan). */
export type RequestTap = (request: HeardRequest) => void;

/** Copies each request to `tap` as it arrives; the listener still reads the body itself. */
const tapped =
  (name: string, listener: RequestListener, tap: RequestTap): RequestListener =>
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      tap({
        server: name,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
    listener(req, res);
  };

export const listen = (
  listener: RequestListener,
  port = 0,
  tap?: { name: string; tap?: RequestTap | undefined },
): Promise<LocalServer & { server: Server }> =>
  new Promise((resolve, reject) => {
    const server = createServer(tap?.tap ? tapped(tap.name, listener, tap.tap) : listener);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        server,
        port: bound,
        url: `http://127.0.0.1:${bound}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

/** A response decided by a handler and sent in one place. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Send `body` as text/plain instead of JSON. */
  text?: boolean;
}

export const send = (res: ServerResponse, answer: Answer): void => {
  if (answer.status === 204) {
    res.writeHead(204, answer.headers ?? {});
    res.end();
  } else if (answer.text) {
    res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
    res.end(String(answer.body));
  } else {
    sendJson(res, answer.status, answer.body, answer.headers);
  }
};

/** Parses a JSON request body; undefined when it is empty or not JSON. */
export const parseJsonBody = (body: Buffer): unknown => {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};
