import { followConversation } from '../../src/cli/followConversation';
import { type SlackCatcher, startSlackCatcher } from '../../src/standins/slackCatcher';

let catcher: SlackCatcher;
const deployId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const responsePath = '/commands/T0LOCAL01/1/abc';

beforeAll(async () => {
  catcher = await startSlackCatcher();
});

beforeEach(() => catcher.reset());

afterAll(async () => {
  await catcher?.stop();
});

const post = (path: string, text: string) =>
  fetch(`${catcher.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

describe('followConversation', () => {
  it('follows a published request past a quiet start until its answer has come', async () => {
    // Prepare: the reaper answers a terminate only after longer than the quiet period
    setTimeout(() => void post(responsePath, `demo-ready was terminated (deploy ${deployId})`), 900);
    const started = Date.now();

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      timeoutMs: 10_000,
      idleMs: 400,
      minMessages: 1,
      pollMs: 100,
    });

    // Assess: ended by the "terminated" answer itself, well before the timeout
    expect(outcome.end).toBe('terminal');
    expect(outcome.messages.map((m) => m.lines[0])).toEqual([
      `demo-ready was terminated (deploy ${deployId})`,
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a request whose answer ends on no final word stops once it has been quiet after the answer', async () => {
    // Prepare
    setTimeout(() => void post(responsePath, 'Extended by 4h'), 700);

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      timeoutMs: 10_000,
      idleMs: 400,
      minMessages: 1,
      pollMs: 100,
    });

    // Assess
    expect(outcome.end).toBe('idle');
    expect(outcome.messages.map((m) => m.lines[0])).toEqual(['Extended by 4h']);
  });

  it('does not stop at a branch name containing "ready" while the registry says the deploy is still running', async () => {
    // Prepare
    let status = 'RUNNING';
    await post(responsePath, `Found branch demo-ready, launching (deploy ${deployId})`);
    setTimeout(() => {
      status = 'READY';
      void post(responsePath, `demo-ready is up at http://127.0.0.1/i-1/ (deploy ${deployId})`);
    }, 800);

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      deployId,
      timeoutMs: 10_000,
      idleMs: 500,
      pollMs: 100,
      statusOf: async () => (status === 'READY' ? { status, url: 'http://127.0.0.1/i-1/' } : { status }),
    });

    // Assess
    expect(outcome.end).toBe('terminal');
    expect(outcome.finalStatus).toBe('READY');
    expect(outcome.messages.map((m) => m.lines[0])).toEqual([
      `Found branch demo-ready, launching (deploy ${deployId})`,
      `demo-ready is up at http://127.0.0.1/i-1/ (deploy ${deployId})`,
    ]);
  });

  it('waits for the message with the URL when the registry is READY before the notifier has caught up', async () => {
    // Prepare: READY at once (a phone-home), the notifier's messages trickle in afterwards
    await post(responsePath, `Looking for demo-ready (deploy ${deployId})`);
    setTimeout(() => void post(responsePath, `Launching demo-ready (deploy ${deployId})`), 300);
    setTimeout(
      () => void post(responsePath, `demo-ready is up at http://127.0.0.1/i-2/ (deploy ${deployId})`),
      1200,
    );

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      deployId,
      timeoutMs: 10_000,
      idleMs: 500,
      pollMs: 100,
      statusOf: async () => ({ status: 'READY', url: 'http://127.0.0.1/i-2/' }),
    });

    // Assess
    expect(outcome.end).toBe('terminal');
    expect(outcome.messages.map((m) => m.lines[0])).toEqual([
      `Looking for demo-ready (deploy ${deployId})`,
      `Launching demo-ready (deploy ${deployId})`,
      `demo-ready is up at http://127.0.0.1/i-2/ (deploy ${deployId})`,
    ]);
  });

  it('follows only its own response_url and deploy id', async () => {
    // Prepare
    await post('/commands/T0LOCAL01/2/other', 'someone else’s reply');
    await post(responsePath, 'Usage: /deploy <query>');

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      timeoutMs: 10_000,
      idleMs: 300,
      pollMs: 100,
    });

    // Assess
    expect(outcome.end).toBe('idle');
    expect(outcome.messages.map((m) => m.lines[0])).toEqual(['Usage: /deploy <query>']);
  });

  it('ends after the rejection message when the request was rejected before any record was written', async () => {
    // Prepare
    await post(responsePath, `login matches 2 branches. Which one did you mean? (deploy ${deployId})`);

    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      deployId,
      timeoutMs: 10_000,
      idleMs: 300,
      pollMs: 100,
      statusOf: async () => undefined,
    });

    // Assess
    expect(outcome.end).toBe('idle');
    expect(outcome.messages).toHaveLength(1);
  });

  it('keeps waiting for the first follow-up while no record exists yet', async () => {
    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      deployId,
      timeoutMs: 700,
      idleMs: 100,
      pollMs: 100,
      statusOf: async () => undefined,
    });

    // Assess
    expect(outcome.end).toBe('timeout');
  });

  it('gives up after the timeout while the deploy is still going', async () => {
    // Act
    const outcome = await followConversation({
      catcherUrl: catcher.url,
      responsePath,
      deployId,
      timeoutMs: 400,
      idleMs: 100,
      pollMs: 100,
      statusOf: async () => ({ status: 'LAUNCHING' }),
    });

    // Assess
    expect(outcome).toMatchObject({ end: 'timeout', finalStatus: 'LAUNCHING' });
  });
});
