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

export const listen = (listener: RequestListener, port = 0): Promise<LocalServer & { server: Server }> =>
  new Promise((resolve, reject) => {
    const server = createServer(listener);
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
  if (answer.text) {
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
