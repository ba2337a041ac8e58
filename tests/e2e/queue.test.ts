import { QUEUE_KEY } from '@branch-envs/shared/deployments/deployQueue';
import { sendButtonPress } from '../../local/src/cli/blockActions';
import {
  caughtMessages,
  deploymentStatus,
  listDeployments,
  readSigningSecret,
} from '../../local/src/cli/localCommands';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * Issue 19, part 4 on the local stack (ADR 0025): with the per-user quota full, the refusal offers
 * [Queue me]; pressing it queues the request; terminating the environment that filled the quota frees
 * the slot, and the reaper starts the queued request, which deploys like any other.
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

describeIfAll('the deploy queue, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack({ functionEnv: { MAX_LIVE_PER_USER: '1' } });
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
    // The notifier's refusal can come after the record is final; wait for it rather than for quiet.
    await waitFor('the refusal with [Queue me]', async () =>
      (await caughtMessages(t.stack.endpoints)).find((m) => {
        const text = JSON.stringify(m.payload);
        return text.includes('"queue_me"') && text.includes(`"value":"${refusedId}"`);
      }),
    );

    // Act: press it, as Slack sends the press
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
    const press = await sendButtonPress(
      `${t.stack.endpoints.httpApiUrl}/slack/interactions`,
      secret,
      payload,
    );
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
    const ready = await waitFor('the queued deploy to be READY', async () => {
      const status = await deploymentStatus(t.stack.endpoints, startedId);
      return status?.status === 'READY' ? status : undefined;
    });
    expect(ready.url).toMatch(/^http/);
    expect(await deploymentStatus(t.stack.endpoints, firstId)).toMatchObject({ status: 'TERMINATED' });
    const queue = (await listDeployments(t.stack.endpoints)).find((row) => row.deployId === QUEUE_KEY);
    expect(JSON.stringify(queue?.entries ?? [])).not.toContain('"waiting"');
  }, 400_000);
});
