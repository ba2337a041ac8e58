/**
 * How often moto lets two of five concurrent conditional claims win (ADR 0006). Run it on a busy
 * machine: the race needs load to show.
 *
 *   npx tsx bench/moto/claimRace.ts [rounds]                      # moto as the tests start it
 *   EXTERNAL_MOTO=http://127.0.0.1:5577 npx tsx bench/moto/claimRace.ts 300   # any running moto,
 *     e.g. plain `python3 -m moto.server -p 5577`, to compare
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { DeployRequested } from '@branch-envs/shared/events';
import { newId } from '@branch-envs/shared/ids';
import { startMoto } from '../../local/src/aws/moto';
import { fixtureData } from '../../shared/tests/helpers/factories';
import { createPlatformTable } from '../../tests/helpers/tables';

const main = async () => {
  const moto = process.env.EXTERNAL_MOTO
    ? { endpoint: process.env.EXTERNAL_MOTO, stop: async () => undefined }
    : await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  const dynamo = new DynamoDBClient({
    endpoint: moto.endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  const repo = createDeploymentRepository({ client: documents, tableName });
  const { owner, replyTo, query } = fixtureData(DeployRequested);
  let doubles = 0;
  const rounds = Number(process.argv[2] ?? 200);
  for (let i = 0; i < rounds; i += 1) {
    const deployId = newId();
    await repo.create({
      kind: 'deployment',
      deployId,
      status: 'RESOLVED',
      query,
      branch: 'b',
      owner,
      ownerId: owner.userId,
      channelId: replyTo.channelId,
      replyTo,
      responseUrlUses: 0,
      createdAt: new Date().toISOString(),
      ttlSeconds: 60,
      expiresAt: 1,
      keepOvernight: false,
      history: [],
      version: 0,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => repo.transition(deployId, { to: 'LAUNCHING', step: 'claim' })),
    );
    if (outcomes.filter((o) => o.status === 'fulfilled').length !== 1) doubles += 1;
  }
  console.log(`rounds ${rounds}, rounds with more than one winner: ${doubles}`);
  await moto.stop();
};
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
