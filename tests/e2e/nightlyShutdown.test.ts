import { caughtMessages, deploymentStatus, fireSchedule } from '../../local/src/cli/localCommands';
import { signedHeaders } from '../../local/src/cli/slackSigning';
import { LOCAL_SECRETS } from '../../local/src/config/localEnv';
import { ANY_DEPLOYMENT as ANY, tapTheBus } from './helpers/busTap';
import { LOCAL_USER, serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 15 on the local stack: the nightly shutdown is named in every message that says when an
 * environment ends, it is warned about before it runs, and [Keep overnight] keeps the environment.
 * The stack's nightly time is set a few minutes from now so the sweep's warning window is open.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

const TIME_ZONE = 'Europe/Helsinki';
/** `HH:MM` in Helsinki, `minutes` from now. */
const helsinkiWallClock = (minutes: number): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + minutes * 60_000));

let t: TestStack;
let tap: Awaited<ReturnType<typeof tapTheBus>>;
const published: typeof tap.published = (...args) => tap.published(...args);

const caughtText = async (deployId: string): Promise<string> =>
  JSON.stringify(
    (await caughtMessages(t.stack.endpoints)).filter((m) => JSON.stringify(m.payload).includes(deployId)),
  );

/** What Slack posts when [Keep overnight] is pressed, signed as Slack signs it. */
const pressKeepOvernight = async (deployId: string): Promise<number> => {
  const payload = {
    type: 'block_actions',
    user: { id: LOCAL_USER, username: 'u0local1', name: 'u0local1', team_id: 'T0LOCAL01' },
    api_app_id: 'A0LOCAL01',
    team: { id: 'T0LOCAL01', domain: 'branch-envs-local' },
    container: {
      type: 'message',
      message_ts: '1764147600.000100',
      channel_id: 'C0LOCAL01',
      is_ephemeral: true,
    },
    channel: { id: 'C0LOCAL01', name: 'deploys' },
    response_url: 'https://hooks.slack.com/actions/T0LOCAL01/1234567890/keepOvernightE2E',
    trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    actions: [
      {
        action_id: 'keep_overnight',
        block_id: 'b1',
        value: deployId,
        type: 'button',
        action_ts: '1764147601.000200',
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await fetch(`${t.stack.endpoints.httpApiUrl}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signedHeaders(LOCAL_SECRETS.signingSecret.value, body, Date.now()),
    },
    body,
  });
  return response.status;
};

describeIfAll('the nightly shutdown, end to end on the local stack', () => {
  beforeAll(async () => {
    const nightly = { NIGHTLY_TIME: helsinkiWallClock(10), NIGHTLY_TIMEZONE: TIME_ZONE };
    t = await startTestStack({ functionEnv: nightly });
    tap = await tapTheBus(t, 'e2e-nightly-tap', 30_000);
    // A first command warms ingress and its clients, so the one under test is not the cold one.
    await t.slash('/deploy list', { follow: false });
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('names the nightly end, warns before the nightly run, and Keep overnight keeps it through the run', async () => {
    // Act: the command, followed until ready
    const result = await t.slash('/deploy demo-ready for 99d', { timeoutMs: 60_000 });
    // On a loaded machine the ack can miss Lambda's 5 s (a 503; the request is published all the
    // same), so the deployment is found on the bus; the ack's wording is pinned by the unit tests.
    const requested = await published('DeployRequested', result.ack.deployId ?? ANY);
    const deployId = requested.detail.metadata.correlationId;
    await published('InstanceReady', deployId, 60_000);

    // Assess: the acknowledgement (when Slack got one) and the ready message name the nightly end
    if (result.ack.status === 200) expect(result.ack.body).toContain('(nightly shutdown)');
    expect(await caughtText(deployId)).toContain('(nightly shutdown)');

    // Act: the sweep runs inside the warning window
    await fireSchedule(t.stack.endpoints, 'sweep');

    // Assess: a nightly warning, with [Keep overnight], reaches Slack
    const warning = await published('InstanceExpiring', deployId);
    expect(warning.detail.data).toMatchObject({ reason: 'nightly' });
    const deadline = Date.now() + 20_000;
    while (
      !(await caughtText(deployId)).includes('will be terminated by the nightly shutdown') &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await caughtText(deployId)).toContain('keep_overnight');

    // Act: press [Keep overnight], then fire the nightly run
    expect(await pressKeepOvernight(deployId)).toBe(200);
    const extended = await published('ExpiryExtended', deployId);
    await fireSchedule(t.stack.endpoints, 'nightly');

    // Assess: kept, still READY after the run
    expect(extended.detail.data).toMatchObject({ keepOvernight: true });
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
    expect(
      tap.tapped.some(
        (e) => e.detailType === 'InstanceTerminated' && e.detail.metadata.correlationId === deployId,
      ),
    ).toBe(false);
  }, 240_000);
});
