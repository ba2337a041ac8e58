import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fromHandlerResult, toHttpApiEvent } from '../../../../local/src/runner/httpEvent';
import { readBody } from '../../../../local/src/standins/httpServer';

export interface HeardRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/**
 * Plays API Gateway for `POST /phone-home/{deployId}`: each request becomes the payload 2.0 event the
 * route would deliver (the local stack's own event builder), goes to `handler`, and its answer goes
 * back as HTTP. Everything heard is kept, so tests can see what an instance actually sent.
 */
export const phoneHomeServer = async (
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
) => {
  const heard: HeardRequest[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = request.url ?? '/';
      const deployId = /^\/phone-home\/([^/?]+)$/.exec(url.split('?')[0] ?? '')?.[1];
      const entry = {
        method: request.method ?? '',
        path: url,
        headers: request.headers,
        body: body.toString(),
      };
      if (request.method !== 'POST' || deployId === undefined) {
        heard.push({ ...entry, status: 404 });
        response.writeHead(404).end();
        return;
      }
      const event = toHttpApiEvent({
        method: 'POST',
        url,
        headers: request.headers,
        body,
        sourceIp: '127.0.0.1',
        routeKey: 'POST /phone-home/{deployId}',
        pathParameters: { deployId: decodeURIComponent(deployId) },
        host: request.headers.host ?? '127.0.0.1',
        encoding: 'auto',
      });
      const answer = fromHandlerResult(await handler(event));
      heard.push({ ...entry, status: answer.statusCode });
      response.writeHead(answer.statusCode, answer.headers).end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    heard,
    url: `http://127.0.0.1:${port}/phone-home`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
