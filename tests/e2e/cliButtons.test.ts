import { deploymentStatus } from '../../local/src/cli/localCommands';
import { serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 15, parts 5 and 6: the CLI presses buttons as Slack does (a signed block_actions on
 * /slack/interactions), remembers them between runs, and waits only when something can follow.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

/**
 * On a loaded two-core machine ingress's first uses of DynamoDB and EventBridge can outlast its 5 s
 * timeout (a 503, which ingress's README tells users to answer by retyping). That is not what these
 * tests are about, so a command answered 503 is sent again, as a user would, up to five times.
 */
const slashAnswered = async (line: string, options: Parameters<TestStack['slash']>[1] = {}) => {
  let result = await t.slash(line, options);
  for (let retry = 0; retry < 4 && result.ack.status === 503; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    result = await t.slash(line, options);
  }
  return result;
};

describeIfAll('buttons in the CLI, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
    // Warm ingress's DynamoDB and EventBridge clients with one publishing request (see slashAnswered).
    await slashAnswered('/deploy DEMO-2', { follow: false });
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('each slash waited ~6 s after the last message even for help: help is not followed at all', async () => {
    // Act
    const started = Date.now();
    const result = await t.slash('/deploy help', { idleMs: 5000 });

    // Assess
    expect(result.ack.status).toBe(200);
    expect(result.followable).toEqual({ kind: 'none' });
    expect(result.follow).toBeUndefined();
    // What the CLI adds after ingress's answer (itself slow on a loaded machine): no quiet to wait out.
    expect(Date.now() - started - result.ack.durationMs).toBeLessThan(3000);
  });

  it('a refusal is not followed either', async () => {
    // Act
    const result = await t.slash('/deploy demo-ready', { user: 'U0STRANGER', idleMs: 5000 });

    // Assess
    expect(result.followable).toEqual({ kind: 'none' });
    expect(result.printed.join('\n')).toContain('U0STRANGER');
  });

  it('the CLI could not press buttons: /deploy login, then press [Deploy this], launches and ends ready', async () => {
    // Act: the ambiguous fragment ends REJECTED with one numbered button per candidate
    const ambiguous = await slashAnswered('/deploy login', { timeoutMs: 30_000 });

    // Assess
    expect(ambiguous.ack.status).toBe(200);
    expect(ambiguous.followable).toEqual({ kind: 'deploy', deployId: ambiguous.ack.deployId });
    expect(ambiguous.follow?.finalStatus).toBe('REJECTED');
    const candidates = ambiguous.buttons.filter((b) => b.actionId === 'deploy_candidate');
    expect(candidates.map((b) => b.value)).toEqual(
      expect.arrayContaining(['feature/ABC-123-login-page', 'feature/ABC-124-login-audit']),
    );
    const first = candidates.find((b) => b.value === 'feature/ABC-123-login-page');
    expect(ambiguous.printed.join('\n')).toContain(`[${first?.n}: Deploy this]`);

    // Act: press it, as `branch-envs press <n>` does from a new process (the buttons are remembered)
    const pressed = await t.press(first?.n ?? 0, { timeoutMs: 60_000 });

    // Assess: ingress took the signed block_actions, answered on the press's response_url, and the
    // deploy it started was followed to READY
    expect(pressed.press.status).toBe(200);
    expect(pressed.press.responsePath).toMatch(/^\/actions\/T0LOCAL01\/\d+\/[\w-]+$/);
    expect(pressed.answer?.payload.replace_original).toBe(true);
    expect(pressed.followable?.kind).toBe('deploy');
    expect(pressed.follow?.finalStatus).toBe('READY');
    const deployId = pressed.follow?.deployId ?? '';
    const record = await deploymentStatus(t.stack.endpoints, deployId);
    expect(record?.status).toBe('READY');
    expect(pressed.printed.join('\n')).toContain(String(record?.url));
    expect(pressed.buttons.map((b) => b.label)).toEqual(['Extend', 'Keep overnight', 'Logs', 'Terminate']);
  }, 240_000);

  it('pressing [Terminate] on the ready message terminates it and follows the answer', async () => {
    // Prepare
    const terminate = t.buttons.load()?.buttons.find((b) => b.actionId === 'terminate');

    // Act
    const pressed = await t.press(terminate?.n ?? 0, { timeoutMs: 60_000 });

    // Assess
    expect(pressed.followable).toEqual({ kind: 'request' });
    expect(pressed.follow?.messages.length).toBeGreaterThan(0);
    const status = await deploymentStatus(t.stack.endpoints, terminate?.value ?? '');
    expect(['TERMINATING', 'TERMINATED']).toContain(status?.status);
    expect(t.buttons.load()?.buttons.some((b) => b.actionId === 'terminate')).toBe(false);
  }, 90_000);
});
