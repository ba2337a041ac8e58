import { deploymentStatus, fireSchedule } from '../../local/src/cli/localCommands';
import { signedHeaders } from '../../local/src/cli/slackSigning';
import { slashCommandForm } from '../../local/src/cli/slashCommand';
import { LOCAL_SECRETS } from '../../local/src/config/localEnv';
import { tapTheBus } from './helpers/busTap';
import { LOCAL_USER, serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * The services' end-to-end scenarios on one local stack: a signed slash command travels through
 * slack-ingress, branch-resolver, provisioner, notifier and reaper, exactly as deployed handlers.
 * A tap queue on the bus records every domain event, so scenarios assert on what was published.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;
let published: Awaited<ReturnType<typeof tapTheBus>>['published'];

const waitForStatus = async (deployId: string, status: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = (await deploymentStatus(t.stack.endpoints, deployId))?.status;
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`deployment ${deployId} is ${last}, not ${status}, after ${timeoutMs} ms`);
};

describeIfAll('a deploy, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
    ({ published } = await tapTheBus(t, 'e2e-bus-tap'));
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('acknowledges /deploy with a deploy id and publishes DeployRequested on the bus', async () => {
    const result = await t.slash('/deploy ABC-123', { timeoutMs: 20_000 });

    expect(result.ack.status).toBe(200);
    expect(result.ack.deployId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(result.ack.lines.join('\n')).toContain(result.ack.deployId);
    const requested = await published('DeployRequested', result.ack.deployId ?? '');
    expect(requested.detail.data.query).toBe('ABC-123');
    expect(requested.detail.data.parsedQuery).toEqual({ ticket: 'ABC-123' });
    const resolved = await published('BranchResolved', result.ack.deployId ?? '');
    expect(resolved.detail.data.branch).toBe('feature/ABC-123-login-page');
  });

  it('refuses a user who is not on the list, and publishes nothing', async () => {
    const result = await t.slash('/deploy demo-ready', { user: 'U0STRANGER', timeoutMs: 5_000 });

    expect(result.ack.status).toBe(200);
    expect(result.ack.lines.join('\n')).toMatch(/not allowed|not on the list|permission/i);
    expect(result.ack.deployId).toBeUndefined();
  });

  it('answers a tampered request with a bare 401', async () => {
    const body = slashCommandForm({ line: '/deploy demo-ready', userId: LOCAL_USER }).toString();
    const headers = signedHeaders(LOCAL_SECRETS.signingSecret.value, body, Date.now());

    const response = await fetch(t.stack.endpoints.ingressUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.replace('demo-ready', 'demo-reaDy'),
    });

    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });

  it('answers an ambiguous fragment with one button per candidate', async () => {
    const result = await t.slash('/deploy login', { timeoutMs: 20_000 });

    const rejected = await published('DeployRejected', result.ack.deployId ?? '');
    expect(rejected.detail.data.reason).toMatchObject({ code: 'ambiguous' });
    const text = result.printed.join('\n');
    expect(text).toContain('feature/ABC-123-login-page');
    expect(text).toContain('feature/ABC-124-login-audit');
  });

  it('names the missing artifact key when a build is incomplete', async () => {
    const result = await t.slash('/deploy DEMO-2', { timeoutMs: 20_000 });

    const rejected = await published('DeployRejected', result.ack.deployId ?? '');
    expect(rejected.detail.data.reason).toMatchObject({
      code: 'artifacts_missing',
      missingKeys: ['build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz'],
    });
    expect(result.printed.join('\n')).toContain('build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz');
  });

  it('launches demo-ready, becomes READY with its URL and buttons, marks the PR deployment, then the TTL sweep ends it', async () => {
    // Act: deploy for one minute and follow until ready
    const result = await t.slash('/deploy demo-ready for 1m', { timeoutMs: 60_000 });
    const deployId = result.ack.deployId ?? '';

    // Assess: launched, ready, record READY, the ready message with URL and buttons
    const launched = await published('InstanceLaunched', deployId);
    const ready = await published('InstanceReady', deployId, 30_000);
    await waitForStatus(deployId, 'READY');
    expect(ready.detail.data.instanceId).toBe(launched.detail.data.instanceId);
    // The simulated instance reads its phone-home URL and token from its user data, as bootstrap.sh does.
    expect(ready.detail.data.detectedBy).toBe('phone_home');
    expect(String(ready.detail.data.url)).toContain(String(launched.detail.data.instanceId));
    const text = result.printed.join('\n');
    expect(text).toContain(String(ready.detail.data.url));
    expect(text).toMatch(/\[\d+: Extend\]/);
    expect(text).toMatch(/\[\d+: Terminate\]/);

    // Assess: GitHub Deployments on the stand-in read in_progress then success
    const deployments = (await (
      await fetch(`${t.stack.endpoints.githubUrl}/repos/acme/shop/deployments?environment=preview/demo-ready`)
    ).json()) as { id: number }[];
    const statuses = (await (
      await fetch(`${t.stack.endpoints.githubUrl}/repos/acme/shop/deployments/${deployments[0]?.id}/statuses`)
    ).json()) as { state: string }[];
    expect(statuses.map((s) => s.state).reverse()).toEqual(
      expect.arrayContaining(['in_progress', 'success']),
    );

    // Act: wait out the minute, then fire the sweep as `branch-envs local fire sweep` does
    const expiresAt = Number(ready.detail.data.expiresAt);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt * 1000 - Date.now() + 1500)));
    await fireSchedule(t.stack.endpoints, 'sweep');

    // Assess: terminated for its TTL
    const terminated = await published('InstanceTerminated', deployId, 30_000);
    expect(terminated.detail.data).toMatchObject({
      reason: 'ttl',
      instanceId: launched.detail.data.instanceId,
    });
    await waitForStatus(deployId, 'TERMINATED');
  }, 180_000);
  /** One slash command, acknowledged but not followed, as a user who sends it and looks away. */
  const sendOnly = (line: string) => t.slash(line, { follow: false });

  it('bug: status right after the ack could not find the deploy — it names the deployment being resolved', async () => {
    // Act: `/deploy status <id>` the moment the acknowledgement names the id
    const { ack } = await sendOnly('/deploy DEMO-2');
    const status = await sendOnly(`/deploy status ${ack.deployId}`);

    // Assess
    const text = status.ack.lines.join('\n');
    expect(text).not.toContain("can't find");
    expect(text).toContain(String(ack.deployId));
    expect(text).toMatch(/REQUESTED|REJECTED/);
    await published('DeployRejected', ack.deployId ?? '');
  });

  it('bug: two deploys of one branch at once both started — four at once start exactly one environment', async () => {
    // Act: four users' worth of /deploy demo-ready at the same moment (the TTL test has ended the last one)
    const acks = await Promise.all(Array.from({ length: 4 }, () => sendOnly('/deploy demo-ready')));
    const ids = acks.flatMap((r) => (r.ack.deployId ? [r.ack.deployId] : []));
    const answers = await Promise.all(
      ids.map(async (id) => {
        const first = await published(['InstanceLaunched', 'DeployRejected'], id, 40_000);
        return first.detailType === 'InstanceLaunched'
          ? 'launched'
          : String((first.detail.data.reason as { code: string }).code);
      }),
    );

    // Assess: on an overloaded machine moto can outlast ingress's own timeouts; such an ack is the
    // friendly "try again" (or the local API's 503) and recorded nothing, so it cannot launch anything.
    for (const { ack } of acks.filter((r) => !r.ack.deployId))
      expect(ack.status === 503 || ack.lines.join('\n').includes('Something went wrong')).toBe(true);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(answers.filter((a) => a === 'launched')).toHaveLength(1);
    expect(answers.filter((a) => a === 'already_running')).toHaveLength(ids.length - 1);
  }, 90_000);
});
