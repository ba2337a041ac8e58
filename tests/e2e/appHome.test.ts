import { appHomeOpenedBody, postSignedJson, runHome } from '../../local/src/cli/homeFlow';
import { caughtMessages, deploymentStatus, readSigningSecret } from '../../local/src/cli/localCommands';
import { LOCAL_USER, serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 19, parts 1, 2 and 5 (Home): Slack's Events API at /slack/events on the local stack, the Home
 * tab published with views.publish into the Slack catcher, and its buttons pressed as Slack presses
 * them on a view (no response_url; the republished tab is the answer).
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

const eventsUrl = () => `${t.stack.endpoints.httpApiUrl}/slack/events`;

/** Ingress's first publish on a cold, loaded machine can outlast its timeout (see cliButtons.test.ts). */
const slashAnswered = async (line: string, options: Parameters<TestStack['slash']>[1] = {}) => {
  let result = await t.slash(line, options);
  for (let retry = 0; retry < 4 && result.ack.status === 503; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    result = await t.slash(line, options);
  }
  return result;
};

/**
 * Waits until the home function has caught up with every lifecycle event so far: each one republishes
 * the owner's tab, and a press is judged by the tab republished after it.
 */
const homeSettled = async (user = LOCAL_USER) => {
  const count = async () =>
    (await caughtMessages(t.stack.endpoints)).filter((m) => m.kind === 'views.publish' && m.user === user)
      .length;
  let seen = await count();
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await count();
    quiet = now === seen ? quiet + 1 : 0;
    seen = now;
  }
};

const home = (user = LOCAL_USER) => {
  const printed: string[] = [];
  return runHome(t.stack.endpoints, {
    userId: user,
    channelId: 'D0LOCAL01',
    timeoutMs: 30_000,
    idleMs: 1000,
    follow: true,
    buttons: t.buttons,
    print: (line) => printed.push(line),
  }).then((result) => ({ ...result, printed }));
};

describeIfAll('the App Home tab, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('answers url_verification with the challenge', async () => {
    // Prepare
    const secret = await readSigningSecret(t.stack.endpoints);
    const challenge = 'Yl3tXXJ5kaE1qmaYPXoKZQ9k0Z9xZ1pDtD7dWc2dcd1z';

    // Act
    const response = await postSignedJson(
      eventsUrl(),
      secret,
      JSON.stringify({ token: 'x', challenge, type: 'url_verification' }),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge });
  }, 60_000);

  it('refuses app_home_opened with a bad signature: 401, and no view is published', async () => {
    // Prepare
    const before = (await caughtMessages(t.stack.endpoints)).length;
    const body = JSON.stringify(appHomeOpenedBody(LOCAL_USER, 'D0LOCAL01'));

    // Act
    const response = await postSignedJson(eventsUrl(), 'not-the-signing-secret', body);
    // A forged open would have been published within this long (the signed one below takes ~1 s).
    await new Promise((resolve) => setTimeout(resolve, 4000));

    // Assess
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
    const after = await caughtMessages(t.stack.endpoints);
    expect(after.slice(before).filter((m) => m.kind === 'views.publish')).toEqual([]);
  }, 60_000);

  it("publishes the user's live environment with working buttons: Terminate ends it and the tab is refreshed", async () => {
    // Prepare: one READY environment of the user's
    const deployed = await slashAnswered('/deploy demo-ready', { timeoutMs: 90_000 });
    expect(deployed.follow?.finalStatus).toBe('READY');
    const deployId = deployed.follow?.deployId ?? '';
    const record = await deploymentStatus(t.stack.endpoints, deployId);
    await homeSettled();

    // Act: open the Home tab
    const opened = await home();

    // Assess: the view lists it, with its URL and the ready message's buttons valued with its deployId
    expect(opened.status).toBe(200);
    expect(opened.view?.payload.type).toBe('home');
    const text = opened.printed.join('\n');
    expect(text).toContain('Your environments (1)');
    expect(text).toContain(String(record?.url));
    const mine = opened.buttons.filter((b) => b.value === deployId).map((b) => b.label);
    expect(mine).toEqual(['Extend', 'Keep overnight', 'Logs', 'Terminate']);
    expect(opened.buttons.map((b) => b.actionId)).toContain('open_deploy_form');

    // Act: press [Terminate] on the tab
    const terminate = opened.buttons.find((b) => b.actionId === 'terminate' && b.value === deployId);
    await homeSettled();
    // A press answered 503 (ingress's 5 s timeout on a loaded machine) is pressed again, as a user would.
    let pressed = await t.press(terminate?.n ?? 0, { timeoutMs: 60_000, idleMs: 3000 });
    for (let retry = 0; retry < 4 && pressed.press.status === 503; retry++) {
      pressed = await t.press(terminate?.n ?? 0, { timeoutMs: 60_000, idleMs: 3000 });
    }
    if (!pressed.printed.join('\n').includes('Your environments (0)'))
      console.log(t.output.slice(-80).join('\n'));

    // Assess: ingress took the view's press, the environment ended, and the tab was republished without it
    expect(pressed.press.status).toBe(200);
    expect(pressed.press.responsePath).toBe('');
    expect(pressed.homeView).toBeDefined();
    expect(['TERMINATING', 'TERMINATED']).toContain(
      (await deploymentStatus(t.stack.endpoints, deployId))?.status,
    );
    expect(pressed.printed.join('\n')).toContain('Your environments (0)');
    expect(pressed.buttons.some((b) => b.value === deployId)).toBe(false);
  }, 240_000);
});
