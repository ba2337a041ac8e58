import { createHash } from 'node:crypto';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { motoEndpoint, uniqueName } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import {
  type InstanceSimulator,
  startInstanceSimulator,
  UPDATE_DOCUMENT_NAME,
} from '../../src/standins/instanceSimulator';
import type { ExecutionOutcome } from '../../src/standins/runCommandTypes';
import { CRASH_CONTENT_MARKER } from '../../src/standins/simulatedBuild';
import { UPDATE_EXIT } from '../../src/standins/simulatedUpdate';

const OLD_SHA = 'a'.repeat(40);
const NEW_SHA = 'abc1234'.padEnd(40, '0');
const bucket = uniqueName('sim-update').toLowerCase();

let clients: AwsClients;
let simulator: InstanceSimulator;

beforeAll(async () => {
  clients = createAwsClients(motoEndpoint());
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: 'eu-north-1' },
    }),
  );
  simulator = await startInstanceSimulator({
    ec2: clients.ec2,
    s3: clients.s3,
    bootDelayMs: 100,
    pollIntervalMs: 100,
    restartMs: 50,
    updateHealthTimeoutMs: 300,
  });
});

afterAll(async () => {
  await simulator?.stop();
  clients?.destroy();
});

const put = async (key: string, body: string, sha: string) => {
  await clients.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { 'head-sha': sha } }),
  );
  return {
    url: `s3://${bucket}/${key}`,
    sizeBytes: Buffer.byteLength(body),
    eTag: createHash('md5').update(body).digest('hex'),
  };
};

/** A booted instance whose deploy.json names a jar and a config, both uploaded at OLD_SHA. */
const bootedInstance = async (): Promise<string> => {
  const prefix = uniqueName('b');
  const jar = await put(`${prefix}.jar`, 'old jar', OLD_SHA);
  const config = await put(`${prefix}-config.edn`, '{:old true}', OLD_SHA);
  const document = {
    deployId: 'd1',
    artifacts: [
      { name: 'jar', url: jar.url, sha256: null, dest: '/opt/app.jar' },
      { name: 'config', url: config.url, sha256: null, dest: '/opt/config.edn' },
    ],
    db: { name: 'app' },
  };
  const userData = `#cloud-config\nwrite_files:\n  - path: /etc/branch-envs/deploy.json\n    content: ${JSON.stringify(JSON.stringify(document))}\n`;
  const out = await clients.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      UserData: Buffer.from(userData).toString('base64'),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ManagedBy', Value: 'branch-envs' }] }],
    }),
  );
  const id = out.Instances?.[0]?.InstanceId ?? '';
  await simulator.refresh();
  for (let i = 0; i < 50 && (await health(id)).status !== 200; i++)
    await new Promise((r) => setTimeout(r, 50));
  return id;
};

const health = async (id: string) => {
  const response = await fetch(`${simulator.url}/${id}/health`);
  return {
    status: response.status,
    body: (await response.json()) as { headSha: string | null; reseeds: number },
  };
};

const inputOf = (
  artifacts: { name: string; url: string; sizeBytes: number; eTag?: string }[],
  reseed = false,
) =>
  Buffer.from(
    JSON.stringify({ version: 1, deployId: 'd1', sequence: 1, headSha: NEW_SHA, reseed, artifacts }),
  ).toString('base64url');

const runUpdate = (instanceId: string, encoded: string): Promise<ExecutionOutcome> => {
  const update = simulator.documents[UPDATE_DOCUMENT_NAME];
  if (!update) throw new Error('the simulator plays no update document');
  return update({
    commandId: 'c',
    instanceId,
    documentName: UPDATE_DOCUMENT_NAME,
    parameters: { UpdateInput: [encoded] },
    signal: new AbortController().signal,
  });
};

const newBuild = async (content = 'new jar') => {
  const prefix = uniqueName('n');
  const jar = { name: 'jar', ...(await put(`${prefix}.jar`, content, NEW_SHA)) };
  const config = { name: 'config', ...(await put(`${prefix}-config.edn`, '{:new true}', NEW_SHA)) };
  return { jar, config, all: [jar, config] };
};

describe('the simulated instance runs the update document as branch-envs-update.sh does', () => {
  it('serves the boot build head SHA from its artifacts metadata, then the new build after an update (exit 0)', async () => {
    // Prepare
    const id = await bootedInstance();
    const before = await health(id);

    // Act
    const outcome = await runUpdate(id, inputOf((await newBuild()).all, true));
    const after = await health(id);

    // Assess
    expect(before.body.headSha).toBe(OLD_SHA);
    expect(outcome.exitCode).toBe(UPDATE_EXIT.updated);
    expect(outcome.stdout).toContain('updated to abc1234');
    expect(after).toMatchObject({ status: 200, body: { headSha: NEW_SHA, reseeds: 1 } });
  });

  it('rolls a build that crashes on start back to the previous build (exit 4), which answers again', async () => {
    // Prepare
    const id = await bootedInstance();

    // Act
    const outcome = await runUpdate(id, inputOf((await newBuild(`jar\n${CRASH_CONTENT_MARKER}\n`)).all));
    const after = await health(id);

    // Assess
    expect(outcome.exitCode).toBe(UPDATE_EXIT.rolledBack);
    expect(outcome.stderr).toContain('the new build is not healthy; restoring the previous one');
    expect(after).toMatchObject({ status: 200, body: { headSha: OLD_SHA, reseeds: 0 } });
  });

  it('leaves the app untouched when an artifact does not match its size (exit 3)', async () => {
    // Prepare
    const id = await bootedInstance();
    const { jar, config } = await newBuild();

    // Act
    const outcome = await runUpdate(id, inputOf([{ ...jar, sizeBytes: 1 }, config]));

    // Assess
    expect(outcome.exitCode).toBe(UPDATE_EXIT.fetchFailed);
    expect(outcome.stderr).toContain('artifact jar: 7 bytes, S3 says 1');
    expect(await health(id)).toMatchObject({ status: 200, body: { headSha: OLD_SHA } });
  });

  it('refuses an input that is not a version 1 document or names other artifacts (exit 2)', async () => {
    // Prepare
    const id = await bootedInstance();
    const { jar } = await newBuild();

    // Act
    const garbage = await runUpdate(id, Buffer.from('{"version":2}').toString('base64url'));
    const missingConfig = await runUpdate(id, inputOf([jar]));

    // Assess
    expect([garbage.exitCode, missingConfig.exitCode]).toEqual([
      UPDATE_EXIT.invalidInput,
      UPDATE_EXIT.invalidInput,
    ]);
    expect(await health(id)).toMatchObject({ status: 200, body: { headSha: OLD_SHA } });
  });
});
