import { createServer, type Server } from 'node:http';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { INGRESS_CLIENT_OPTIONS } from '../../src/handlers/clientOptions';

/** A server that accepts requests and never answers, as a hung connection does. */
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('an ingress call to a dependency that never answered hung past the Lambda timeout: it now fails within its two attempts', async () => {
  // Prepare
  const client = new DynamoDBClient({
    ...INGRESS_CLIENT_OPTIONS,
    endpoint: url,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const started = Date.now();

  // Act
  const outcome = await client
    .send(new GetItemCommand({ TableName: 't', Key: { deployId: { S: 'x' } } }))
    .catch((error: Error) => error);

  // Assess: two attempts of 2 s and a backoff, well inside the 5 s Lambda timeout.
  expect(outcome).toBeInstanceOf(Error);
  expect((outcome as Error & { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(2);
  expect(Date.now() - started).toBeLessThan(5000);
  client.destroy();
}, 15_000);
