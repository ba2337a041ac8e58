import { caughtMessages } from '../../local/src/cli/localCommands';
import { uploadBuild } from '../../local/src/cli/uploadBuild';
import { LOCAL_APP_SECRET } from '../../local/src/config/localEnv';
import { SIMULATED_GITHUB_TOKEN } from '../../local/src/standins/simulatedLogs';
import type { CaughtMessage } from '../../local/src/standins/slackCatcher';
import {
  serviceExists,
  slashAnswered,
  startTestStack,
  type TestStack,
  waitUntil,
} from './helpers/localStack';

/**
 * Issue 20, part 1 on the local stack: [Logs] on a ready environment posts the simulated app
 * journal's last lines (as a file: Slack's external upload, the stage's messages being in-channel), collected by the Run Command stand-in running the logs document, with the
 * seeded app secret redacted on the instance and the bearer and GitHub tokens by the provisioner; [Logs] on a failed boot (its instance kept)
 * posts the boot log ending at the failed step; a bad `--lines` is answered with the usage.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

const slash = (line: string, options: Parameters<TestStack['slash']>[1] = {}) =>
  slashAnswered(t, line, options);

const textOf = (m: CaughtMessage): string => JSON.stringify(m.payload);

/** The logs message for `deployId` after `since` (not the acknowledgement, which says "Collecting"). */
const logsMessageFor = (deployId: string, since: number) =>
  waitUntil(
    t,
    `the logs of ${deployId}`,
    async () =>
      (await caughtMessages(t.stack.endpoints, since)).find(
        (m) => textOf(m).includes(':scroll: The last') && textOf(m).includes(deployId),
      ),
    60_000,
  );

const lastSeq = async () =>
  (await caughtMessages(t.stack.endpoints)).reduce((max, m) => Math.max(max, m.seq), 0);

describeIfAll('logs in Slack, end to end on the local stack', () => {
  beforeAll(async () => {
    // A failed boot keeps its instance, so its boot log can still be read; messages are visible in
    // the channel, so a long log is uploaded there as a file (ADR 0030).
    t = await startTestStack({
      functionEnv: { KEEP_FAILED_INSTANCES: 'true', MESSAGE_VISIBILITY: 'in_channel' },
    });
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it("posts the journal's last lines with the seeded app secret and the tokens redacted when [Logs] is pressed on a ready environment", async () => {
    // Prepare
    const deployed = await slash('/deploy demo-ready', { timeoutMs: 90_000 });
    expect(deployed.follow?.finalStatus).toBe('READY');
    const deployId = deployed.ack.deployId ?? '';
    const logs = deployed.buttons.find((b) => b.actionId === 'logs_app');
    expect(logs?.value).toBe(deployId);
    const since = await lastSeq();

    // Act
    const pressed = await t.press(logs?.n ?? 0, { timeoutMs: 60_000 });
    const message = await logsMessageFor(deployId, since);

    // Assess
    expect(pressed.press.status).toBe(200);
    expect(JSON.stringify(pressed.answer?.payload)).toContain('Collecting the last 100 lines');
    // The ready message stays: the acknowledgement is a new ephemeral note, not a replacement.
    expect(pressed.answer?.payload.replace_original).toBe(false);
    const text = textOf(message);
    // 100 journal lines are longer than a message holds: a file, through Slack's external upload.
    expect(message.kind).toBe('files.completeUploadExternal');
    expect(message.channel).toMatch(/^C/);
    expect(text).toContain("the app's journal");
    expect(text).toContain('GET /health 200');
    expect(text).toContain('DEMO_API_KEY=[REDACTED]');
    expect(text).toContain('Bearer [REDACTED]');
    expect(text).not.toContain(LOCAL_APP_SECRET.value);
    expect(text).not.toContain('sim-9f8e7d6c5b4a3f2e1d0c');
    expect(text).toContain('cloning with [REDACTED]');
    expect(text).not.toContain(SIMULATED_GITHUB_TOKEN);
    const invocations = t.stack.runCommand.invocations().filter((i) => i.status === 'Success');
    expect(invocations.length).toBeGreaterThan(0);
  }, 200_000);

  it('answers a bad --lines with the usage, and publishes nothing', async () => {
    // Act
    const answered = await t.slash('/deploy logs demo-ready app --lines 501', { follow: false });

    // Assess
    const reply = JSON.stringify(answered.printed);
    expect(answered.ack.status).toBe(200);
    expect(reply).toContain('is not a number of lines; use a whole number from 1 to 500');
    expect(reply).toContain('/deploy logs <id|branch> [app|boot] [--lines N]');
  }, 60_000);

  it('posts the boot log, ending at the failed step, when [Logs] is pressed on a failed boot', async () => {
    // Prepare: a build that crashes on start, so bootstrap.sh reports failed at start-app
    await uploadBuild(t.stack.endpoints, 'fix/DEMO-1-health', { broken: true });
    const deployed = await slash('/deploy DEMO-1', { timeoutMs: 90_000 });
    expect(deployed.follow?.finalStatus).toBe('FAILED');
    const deployId = deployed.ack.deployId ?? '';
    const logs = deployed.buttons.find((b) => b.actionId === 'logs_boot');
    expect(logs?.value).toBe(deployId);
    const since = await lastSeq();

    // Act
    await t.press(logs?.n ?? 0, { timeoutMs: 60_000 });
    const message = await logsMessageFor(deployId, since);

    // Assess
    const text = textOf(message);
    expect(text).toContain('the boot log');
    expect(text).toContain('branch-envs: step fetch-artifacts');
    expect(text).toContain('branch-envs: failed (step start-app)');
    expect(text).toContain('boot status (/var/lib/branch-envs/status.json)');
    expect(text).not.toContain('branch-envs: ready');
  }, 200_000);
});
