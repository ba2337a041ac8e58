import { QUEUE_KEY } from '@branch-envs/shared/deployments/deployQueue';
import { sendButtonPress } from '../../local/src/cli/blockActions';
import {
  caughtMessages,
  deploymentStatus,
  fireSchedule,
  listDeployments,
  readSigningSecret,
} from '../../local/src/cli/localCommands';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * Issue 19, part 4 on the local stack (ADR 0025, 0031): with the per-user quota full, the refusal
 * offers [Queue me]; pressing it queues the request; terminating the environment that filled the
 * quota frees the slot, the reaper starts the queued request and the user is told where they pressed,
 * and it deploys like any other. A request that waits out `QUEUE_MAX_WAIT_MINUTES` (1 here) is
 * dropped by the next sweep, and the user is told that too.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

/** A command answered 503 on a cold, loaded machine is retyped, as cliButtons.test.ts explains. */
const slashAnswered = async (line: string, options: Parameters<TestStack['slash']>[1] = {}) => {
  let result = await t.slash(line, options);
  for (let retry = 0; retry < 4 && result.ack.status === 503; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    result = await t.slash(line, options);
  }
  return result;
};

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> =>
  waitUntil(t, what, probe, timeoutMs, 500);

const messageAt = (path: string, text: string) => async () =>
  (await caughtMessages(t.stack.endpoints)).find(
    (m) => m.path === path && JSON.stringify(m.payload).includes(text),
  );

/** The refusal of `refusedId` with its [Queue me], which can come after the record is final. */
const refusalWithQueueMe = (refusedId: string) =>
  waitFor('the refusal with [Queue me]', async () =>
    (await caughtMessages(t.stack.endpoints)).find((m) => {
      const text = JSON.stringify(m.payload);
      return text.includes('"queue_me"') && text.includes(`"value":"${refusedId}"`);
    }),
  );

/** Presses [Queue me] on `refusedId` as Slack sends the press, with a response_url of its own. */
const pressQueueMe = async (refusedId: string) => {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0LOCAL1', username: 'U0LOCAL1', name: 'U0LOCAL1', team_id: 'T0LOCAL01' },
    team: { id: 'T0LOCAL01', domain: 'branch-envs-local' },
    channel: { id: 'C0LOCAL01', name: 'deploys' },
    container: { type: 'message', channel_id: 'C0LOCAL01', is_ephemeral: true },
    trigger_id: '1234567890123.12345678901.0123456789abcdef0123456789abcdef',
    response_url: `https://hooks.slack.com/actions/T0LOCAL01/1234567890123/${refusedId.toLowerCase()}`,
    actions: [{ action_id: 'queue_me', block_id: 'b', type: 'button', value: refusedId, action_ts: '1' }],
  };
  const secret = await readSigningSecret(t.stack.endpoints);
  return sendButtonPress(`${t.stack.endpoints.httpApiUrl}/slack/interactions`, secret, payload);
};

const queueItem = async () =>
  (await listDeployments(t.stack.endpoints)).find((row) => row.deployId === QUEUE_KEY);

describeIfAll('the deploy queue, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack({ functionEnv: { MAX_LIVE_PER_USER: '1', QUEUE_MAX_WAIT_MINUTES: '1' } });
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('with the quota full, [Queue me] queues; a termination frees the slot and the queued deploy starts', async () => {
    // Prepare: the user's one environment
    const first = await slashAnswered('/deploy demo-ready', { timeoutMs: 120_000 });
    expect(first.follow?.finalStatus).toBe('READY');
    const firstId = first.ack.deployId ?? '';

    // Act: a second deploy is refused over the quota, with [Queue me]
    const refused = await slashAnswered('/deploy DEMO-1', { timeoutMs: 60_000 });
    const refusedId = refused.ack.deployId ?? '';
    expect(refused.follow?.finalStatus).toBe('REJECTED');
    await refusalWithQueueMe(refusedId);

    // Act: press it, as Slack sends the press
    const press = await pressQueueMe(refusedId);
    const answer = await waitFor('the answer to [Queue me]', async () =>
      (await caughtMessages(t.stack.endpoints)).find((m) => m.path === press.responsePath),
    );

    // Assess: told the place, and nothing started yet
    expect(press.status).toBe(200);
    expect(JSON.stringify(answer.payload)).toContain('is queued: number 1 in line');
    const listed = await slashAnswered('/deploy list mine', { follow: false });
    expect(listed.printed.join('\n')).toContain('Queued (1)');

    // Act: end the environment that fills the quota
    const ended = await slashAnswered(`/terminate ${firstId}`, { timeoutMs: 60_000 });
    expect(ended.ack.status).toBe(200);

    // Assess: the queued request became a deployment of its own, which comes up
    const started = await waitFor('the queued request to start', async () =>
      (await listDeployments(t.stack.endpoints)).find((row) =>
        JSON.stringify(row.history ?? []).includes(`from the queue (request ${refusedId})`),
      ),
    );
    const startedId = String(started.deployId);
    const starting = await waitFor(
      '"starting" where [Queue me] was pressed',
      messageAt(press.responsePath, 'is starting: a slot freed up'),
    );
    expect(JSON.stringify(starting.payload)).toContain(startedId);
    const ready = await waitFor('the queued deploy to be READY', async () => {
      const status = await deploymentStatus(t.stack.endpoints, startedId);
      return status?.status === 'READY' ? status : undefined;
    });
    expect(ready.url).toMatch(/^http/);
    expect(await deploymentStatus(t.stack.endpoints, firstId)).toMatchObject({ status: 'TERMINATED' });
    expect(JSON.stringify((await queueItem())?.entries ?? [])).not.toContain('"waiting"');
  }, 400_000);

  it('drops a queued request whose wait ran out at the next sweep, tells the user, and launches nothing', async () => {
    // Prepare: the queued deploy of the scenario above holds the user's one slot
    const refused = await slashAnswered('/deploy ABC-125', { timeoutMs: 60_000 });
    const refusedId = refused.ack.deployId ?? '';
    expect(refused.follow?.finalStatus).toBe('REJECTED');
    await refusalWithQueueMe(refusedId);
    const press = await pressQueueMe(refusedId);
    await waitFor('the answer to [Queue me]', messageAt(press.responsePath, 'is queued: number 1 in line'));
    const entry = await waitFor('the queued entry', async () => {
      const entries = ((await queueItem())?.entries ?? []) as { entryId: string; expiresAt: number }[];
      return entries.find((e) => e.entryId === refusedId);
    });

    // Act: wait out its minute, then fire the sweep as `branch-envs local fire sweep` does
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, entry.expiresAt * 1000 - Date.now()) + 1500),
    );
    await fireSchedule(t.stack.endpoints, 'sweep');

    // Assess
    const dropped = await waitFor(
      'the expiry message where [Queue me] was pressed',
      messageAt(press.responsePath, 'was dropped: no slot freed up before its wait ran out'),
    );
    expect(JSON.stringify(dropped.payload)).toContain(refusedId);
    expect(JSON.stringify((await queueItem())?.entries ?? [])).not.toContain(refusedId);
    const rows = await listDeployments(t.stack.endpoints);
    expect(rows.filter((row) => JSON.stringify(row.history ?? []).includes(`request ${refusedId}`))).toEqual(
      [],
    );
  }, 300_000);
});
