import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Plays the app of every instance: `/<instanceId>/health` answers what `status` says for that id. */
export const appServer = async () => {
  const status = new Map<string, number>();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const [, instanceId, path] = /^\/([^/]+)(\/.*)$/.exec(request.url ?? '') ?? [];
    response.statusCode = path === '/health' ? (status.get(instanceId ?? '') ?? 503) : 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    status,
    requests,
    template: `http://127.0.0.1:${port}/{instanceId}/`,
    close: () => server.close(),
  };
};
