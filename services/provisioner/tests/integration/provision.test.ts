import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { deployDocumentOf } from '@branch-envs/shared/userData';
import { uniqueName } from '../../../../tests/helpers/aws';
import { deliver, ec2Faults } from '../helpers/ec2Faults';
import { resolvedDetail } from '../helpers/factories';
import {
  instancesOf,
  MOTO_AMI,
  type MotoPlatform,
  motoClients,
  motoConfigFor,
  motoHandlers,
  motoPlatform,
  receive,
  userDataText,
  waitForEvent,
} from '../helpers/motoStack';

const clients = motoClients();
const faults = ec2Faults(clients.ec2Launch);

/** Exactly one live instance is tagged with the deployment, and its RUNNING record owns it. */
const expectOneInstanceOwned = async (
  repository: ReturnType<typeof motoHandlers>['repository'],
  deployId: string,
): Promise<void> => {
  const instances = await instancesOf(clients.ec2, deployId);
  expect(instances).toHaveLength(1);
  expect(await repository.get(deployId)).toMatchObject({
    status: 'RUNNING',
    instanceId: instances[0]?.InstanceId,
  });
};
const schemaCheck = (text: string): { status: number | null; output: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'provisioner-user-data-'));
  try {
    const file = join(dir, 'user-data.yaml');
    writeFileSync(file, text);
    const result = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('provisioning on moto', () => {
  let platform: MotoPlatform;

  beforeAll(async () => {
    platform = await motoPlatform(clients);
  }, 60_000);

  afterEach(() => faults.removeAll());

  it('launches a tagged, IMDSv2-only instance from the AMI in SSM, with user data cloud-init accepts', async () => {
    // Prepare
    const parameter = `/branch-envs/${uniqueName('it')}/ami-id`;
    await clients.ssm.send(new PutParameterCommand({ Name: parameter, Value: MOTO_AMI, Type: 'String' }));
    const config = motoConfigFor(platform, { AMI_ID: undefined, AMI_SSM_PARAMETER: parameter });
    const { provision, repository } = motoHandlers(config, clients);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in a branch name, on purpose
    const branch = 'feature/ABC-9-$(touch${IFS}/tmp/pwned);`id`"x\'y\u00e4';
    const detail = resolvedDetail({ data: { branch } });

    // Act
    const response = await deliver(provision, detail);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [instance] = await instancesOf(clients.ec2, detail.data.deployId);
    expect(instance).toMatchObject({ ImageId: MOTO_AMI, InstanceType: 't3.medium' });
    expect(instance?.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
    const tags = Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      ManagedBy: 'branch-envs',
      Stage: 'test',
      DeployId: detail.data.deployId,
      Branch: branch,
      Owner: detail.data.owner.userId,
      ExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const volumes = await clients.ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [instance?.InstanceId ?? ''] }],
      }),
    );
    expect(volumes.Volumes?.[0]).toMatchObject({ Encrypted: true, VolumeType: 'gp3', Size: 30 });
    expect(Object.fromEntries((volumes.Volumes?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject(
      {
        ManagedBy: 'branch-envs',
        Stage: 'test',
        DeployId: detail.data.deployId,
      },
    );

    const text = await userDataText(clients.ec2, instance?.InstanceId ?? '');
    const schema = schemaCheck(text);
    expect(schema.output).toMatch(/^Valid (schema|cloud-config)/m);
    expect(schema.status).toBe(0);
    expect(deployDocumentOf(text)).toMatchObject({
      deployId: detail.data.deployId,
      branch,
      artifacts: [
        { name: 'jar', url: `s3://${detail.data.artifactBucket}/build-artifacts/shop-${branch}.jar` },
        {
          name: 'pgdump',
          url: `s3://${detail.data.artifactBucket}/build-artifacts/shop-${branch}-pgdump.gz`,
        },
      ],
    });

    expect(await repository.get(detail.data.deployId)).toMatchObject({
      status: 'RUNNING',
      instanceId: instance?.InstanceId,
    });
    const launched = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceLaunched' && e.detail.data.deployId === detail.data.deployId,
    );
    expect(launched?.detail.data).toMatchObject({
      instanceId: instance?.InstanceId,
      instanceType: 't3.medium',
    });
    const probes = await receive(clients.sqs, platform.probeQueue, 6);
    expect(probes.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([
      expect.objectContaining({
        deployId: detail.data.deployId,
        instanceId: instance?.InstanceId,
        attempt: 1,
      }),
    ]);
  }, 60_000);

  it('falls back to the next instance type when the first has no capacity', async () => {
    // Prepare
    const { provision, repository } = motoHandlers(motoConfigFor(platform), clients);
    const tried = faults.failRunInstances('InsufficientInstanceCapacity', 1);
    const detail = resolvedDetail();

    // Act
    await deliver(provision, detail);

    // Assess
    expect(tried).toEqual(['t3.medium', 't3a.medium']);
    const instances = await instancesOf(clients.ec2, detail.data.deployId);
    expect(instances.map((i) => i.InstanceType)).toEqual(['t3a.medium']);
    expect(await repository.get(detail.data.deployId)).toMatchObject({
      status: 'RUNNING',
      instanceType: 't3a.medium',
    });
  });

  it('retries a throttled RunInstances with backoff and launches once', async () => {
    // Prepare
    const { provision } = motoHandlers(motoConfigFor(platform), clients);
    const tried = faults.failRunInstances('RequestLimitExceeded', 1);
    const detail = resolvedDetail();

    // Act
    await deliver(provision, detail);

    // Assess
    expect(tried).toEqual(['t3.medium', 't3.medium']);
    expect(await instancesOf(clients.ec2, detail.data.deployId)).toHaveLength(1);
  });

  it('duplicateInstances: a RunInstances whose answer was lost is not re-sent blindly; the instance it launched is adopted', async () => {
    // Prepare: moto ignores ClientToken, so a blind re-send would launch a second instance.
    const { provision, repository } = motoHandlers(motoConfigFor(platform), clients);
    faults.loseRunInstancesAnswer(1);
    const detail = resolvedDetail();

    // Act
    await deliver(provision, detail);

    // Assess
    await expectOneInstanceOwned(repository, detail.data.deployId);
  });

  it('LAUNCHING forever: a claim whose answer was lost is recognised as its own on the re-send, and the launch goes on', async () => {
    // Prepare: the claim (→ LAUNCHING) reaches moto, then its answer is lost; the SDK re-sends it and
    // the condition fails on the first attempt's own write. Phone-home on: its token marks the claim.
    const { provision, repository } = motoHandlers(
      motoConfigFor(platform, { PHONE_HOME_URL: 'https://api.example.test/phone-home' }),
      clients,
    );
    const name = uniqueName('lose-claim-answer');
    let lost = 0;
    clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const claim =
          context.commandName === 'UpdateItemCommand' && JSON.stringify(args.input).includes('"LAUNCHING"');
        if (!claim || lost > 0) return result;
        lost += 1;
        throw Object.assign(new Error('socket hang up (injected by the test)'), { code: 'ECONNRESET' });
      },
      { step: 'deserialize', name },
    );
    const detail = resolvedDetail();

    // Act
    try {
      await deliver(provision, detail);
    } finally {
      clients.dynamo.middlewareStack.remove(name);
    }

    // Assess
    expect(lost).toBe(1);
    await expectOneInstanceOwned(repository, detail.data.deployId);
  });

  it('fails with launch_error naming SUBNET_IDS when the subnet does not exist, and launches nothing', async () => {
    // Prepare
    const { provision, repository } = motoHandlers(
      motoConfigFor(platform, { SUBNET_IDS: 'subnet-0000000000dead' }),
      clients,
    );
    const detail = resolvedDetail();

    // Act
    await deliver(provision, detail);

    // Assess
    expect(await instancesOf(clients.ec2, detail.data.deployId)).toHaveLength(0);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'FAILED' });
    const failed = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'DeployFailed' && e.detail.data.deployId === detail.data.deployId,
    );
    expect(failed?.detail.data).toMatchObject({ reason: 'launch_error' });
    expect(String(failed?.detail.data.message)).toContain('InvalidSubnetID.NotFound');
    expect(String(failed?.detail.data.message)).toContain('SUBNET_IDS');
  });

  it('sends RunInstances with the deployId as ClientToken', async () => {
    // Prepare
    const { provision } = motoHandlers(motoConfigFor(platform), clients);
    const tokens: string[] = [];
    faults.beforeRunInstances((input) => {
      tokens.push(String(input.ClientToken));
    });
    const detail = resolvedDetail();

    // Act
    await deliver(provision, detail);

    // Assess
    expect(tokens).toEqual([detail.data.deployId]);
  });
});
