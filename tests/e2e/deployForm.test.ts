import { runForm } from '../../local/src/cli/formFlow';
import { deploymentStatus } from '../../local/src/cli/localCommands';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * Issue 19, part 3 on the local stack (ADR 0026): the "Deploy a branch" shortcut opens the Deploy form
 * (views.open, recorded by the Slack catcher), the branch picker's type-ahead offers open pull requests
 * from the resolver's last listing, and the submitted form deploys the branch picked.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> =>
  waitUntil(t, what, probe, timeoutMs, 500);

describeIfAll('the Deploy form, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('deploys a branch picked by type-ahead', async () => {
    // Prepare: any resolution lists the open pull requests, which is what the type-ahead offers
    let listed = await t.slash('/deploy login', { timeoutMs: 60_000, idleMs: 3000 });
    for (let retry = 0; retry < 4 && listed.ack.status === 503; retry++)
      listed = await t.slash('/deploy login', { timeoutMs: 60_000, idleMs: 3000 });
    expect(listed.follow?.finalStatus).toBe('REJECTED');

    // Act
    const form = await runForm(t.stack.endpoints, {
      userId: 'U0LOCAL1',
      channelId: 'C0LOCAL01',
      typed: 'checkout',
      timeoutMs: 20_000,
    });

    // Assess: the form was opened, offered the matching pull request, and accepted the submission
    expect(form.view).toMatchObject({ type: 'modal', callback_id: 'deploy_form' });
    expect(form.options.map((o) => o.value)).toEqual(['feature/ABC-125-checkout-redesign']);
    expect(form.submit).toEqual({ status: 200, body: '' });
    const deployId = JSON.stringify(form.answer?.payload ?? {}).match(/[0-9A-HJKMNP-TV-Z]{26}/)?.[0] ?? '';
    expect(deployId).not.toBe('');
    const ready = await waitFor('the form’s deploy to be READY', async () => {
      const status = await deploymentStatus(t.stack.endpoints, deployId);
      return status?.status === 'READY' ? status : undefined;
    });
    expect(ready.url).toMatch(/^http/);
  }, 400_000);
});
