import { InstanceReadyV2 } from '@branch-envs/shared/events/InstanceReady.v2';
import { UpdateRefused } from '@branch-envs/shared/events/UpdateRefused';
import { fixtureData, fixtureDetail } from '../../../../shared/tests/helpers/factories';
import type { Block, Button, SlackMessage } from '../../src/domain/blocks';
import {
  failedMessage,
  foundMessage,
  launchingMessage,
  readyMessage,
  terminatedMessage,
} from '../../src/domain/messages/deployment';
import {
  expiringMessage,
  extendedMessage,
  refusedMessage,
  warningOf,
} from '../../src/domain/messages/notices';
import { rejectedMessage } from '../../src/domain/messages/rejections';
import { updateRefusedMessage } from '../../src/domain/messages/updates';
import { type NotifierEvent, planFor } from '../../src/domain/plan';
import {
  BranchResolved,
  DEPLOY_ID,
  DeployFailed,
  DeployRejected,
  ExpiryExtended,
  FIXTURE_NOW,
  FIXTURE_VIEW,
  InstanceExpiring,
  InstanceLaunched,
  InstanceReady,
  InstanceTerminated,
  RequestRefused,
} from '../helpers/factories';

const buttonsOf = (message: SlackMessage): Button[] =>
  message.blocks.flatMap((block: Block) => {
    if (block.type === 'actions') return block.elements;
    if (block.type === 'section' && block.accessory) return [block.accessory];
    return [];
  });

const textOf = (message: SlackMessage): string => JSON.stringify(message.blocks);

/** Another deployment of the same branch, the one the rejected deploy found running. */
const EXISTING_ID = '01KB0W8J6QF3ZC9D2M4N5P7R9T';

const rejection = (reason: unknown) =>
  ({ ...fixtureData(DeployRejected), reason }) as ReturnType<typeof fixtureData<typeof DeployRejected>>;

const found = fixtureData(BranchResolved);
const facts = { prNumber: 42, prUrl: 'https://github.com/acme/shop/pull/42', branch: found.branch };

describe('deployment messages', () => {
  it('shows the found branch with its PR link and the age of its build', () => {
    // Act
    const message = foundMessage(found, FIXTURE_VIEW);

    // Assess
    expect(message).toMatchSnapshot();
    expect(textOf(message)).toContain('<https://github.com/acme/shop/pull/42|PR #42>');
    expect(textOf(message)).toContain('build from 30m ago');
    expect(message.text).toBe('🔎 Found branch feature/ABC-123-login-page for ABC-123');
  });

  it('shows the instance id and type while launching', () => {
    // Act
    const message = launchingMessage(fixtureData(InstanceLaunched), facts, FIXTURE_VIEW);

    // Assess
    expect(message).toMatchSnapshot();
    expect(textOf(message)).toContain('i-0abc123def4567890');
    expect(textOf(message)).toContain('t3.medium');
  });

  it('gives the ready URL, its real end and Extend, Keep overnight, Logs and Terminate buttons carrying the deployId', () => {
    // Act
    const message = readyMessage(fixtureData(InstanceReady), facts, FIXTURE_VIEW);

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe('✅ feature/ABC-123-login-page is ready: http://10.0.1.23/');
    expect(textOf(message)).toContain('<http://10.0.1.23/|http://10.0.1.23/>');
    // The fixture expires in a week; tonight's 19:00 Helsinki shutdown ends it first.
    expect(textOf(message)).toContain('|19:00 Helsinki tonight, Thu 26 Nov> (nightly shutdown)');
    expect(buttonsOf(message).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      ['extend', DEPLOY_ID, 'Extend'],
      ['keep_overnight', DEPLOY_ID, 'Keep overnight'],
      ['logs_app', DEPLOY_ID, 'Logs'],
      ['terminate', DEPLOY_ID, 'Terminate'],
    ]);
    expect(buttonsOf(message)[3]?.confirm).toBeDefined();
  });

  it('shows what the environment costs on the ready message when InstanceReady v2 carries a rate', () => {
    // Act: launched at 08:57:30 on Spot at 15 788 µ$/h; three minutes later
    const message = readyMessage(fixtureData(InstanceReadyV2), facts, FIXTURE_VIEW);

    // Assess
    expect(textOf(message)).toContain('≈ $0.016/h Spot · &lt; $0.01 so far');
  });

  it('keeps the price when the ready message comes back after an extend', () => {
    // Prepare: the facts the notifier stored from InstanceReady v2
    const cost = fixtureData(InstanceReadyV2).cost;
    const later = { ...FIXTURE_VIEW, now: new Date('2026-11-26T10:27:30.000Z') };

    // Act: 1h30m after the launch
    const message = readyMessage(fixtureData(InstanceReady), { ...facts, ...(cost ? { cost } : {}) }, later);

    // Assess: 15 788 × 5 400 / 3 600 = 23 682 µ$
    expect(textOf(message)).toContain('≈ $0.016/h Spot · $0.02 so far');
  });

  it('shows no price for InstanceReady v1, which has none', () => {
    // Act + Assess
    expect(textOf(readyMessage(fixtureData(InstanceReady), facts, FIXTURE_VIEW))).not.toContain('/h');
  });

  it('names the failure and gives the provisioner hints as code', () => {
    // Act
    const message = failedMessage(fixtureData(DeployFailed), facts);

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toContain('the app did not become healthy in time');
    expect(textOf(message)).toContain(
      '```aws ec2 get-console-output --instance-id i-0abc123def4567890 --latest --output text```',
    );
  });

  it('suggests SSM Session Manager when the failed instance was kept and no hints came', () => {
    // Act
    const message = failedMessage({ ...fixtureData(DeployFailed), hints: [], instanceKept: true }, facts);

    // Assess
    expect(textOf(message)).toContain('aws ssm start-session --target i-0abc123def4567890');
    expect(textOf(message)).toContain('get-console-output');
  });

  it('says why the environment was terminated and keeps no buttons', () => {
    // Act
    const message = terminatedMessage(fixtureData(InstanceTerminated), facts);

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe('🛑 feature/ABC-123-login-page was terminated: its time ran out.');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('names the orphan instance by deployId when it had no branch', () => {
    // Act
    const orphan = { ...fixtureData(InstanceTerminated), branch: null, reason: 'orphan' as const };
    const message = terminatedMessage(orphan, {});

    // Assess
    expect(message.text).toContain(`Deploy ${DEPLOY_ID} was terminated`);
  });

  it('escapes mrkdwn in values users control', () => {
    // Act
    const message = foundMessage({ ...found, prTitle: '<!channel> & *bold*' }, FIXTURE_VIEW);

    // Assess
    expect(textOf(message)).toContain('&lt;!channel&gt; &amp; *bold*');
    expect(textOf(message)).not.toContain('<!channel>');
  });
});

describe('rejection messages', () => {
  it('offers one deploy_candidate button per candidate, valued with its branch', () => {
    // Act
    const message = rejectedMessage(fixtureData(DeployRejected), FIXTURE_NOW);

    // Assess
    expect(message).toMatchSnapshot();
    expect(buttonsOf(message).map((b) => [b.action_id, b.value])).toEqual([
      ['deploy_candidate', 'feature/ABC-123-login-page'],
      ['deploy_candidate', 'fix/login-timeout'],
    ]);
    // Slack refuses two equal action ids in one block: each candidate has its own.
    for (const block of message.blocks) {
      if (block.type === 'actions') expect(new Set(block.elements.map((e) => e.action_id)).size).toBe(1);
    }
  });

  it('names every missing artifact key', () => {
    // Act
    const message = rejectedMessage(
      rejection({
        code: 'artifacts_missing',
        branch: 'feat/x',
        missingKeys: ['build-artifacts/shop-feat/x.jar'],
      }),
      FIXTURE_NOW,
    );

    // Assess
    expect(message).toMatchSnapshot();
    expect(textOf(message)).toContain('`build-artifacts/shop-feat/x.jar`');
  });

  it('lists the live environments that fill the quota, with their URLs', () => {
    // Act
    const live = [
      { deployId: '01KB0W8J6QF3ZC9D2M4N5P7R90', branch: 'a', status: 'READY', url: 'http://10.0.0.1/' },
      { deployId: '01KB0W8J6QF3ZC9D2M4N5P7R91', branch: 'b', status: 'LAUNCHING', expiresAt: 1796302800 },
    ];
    const message = rejectedMessage(
      rejection({ code: 'quota_exceeded', scope: 'user', limit: 2, live }),
      FIXTURE_NOW,
    );

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toContain('You already have 2 live environment(s); the limit is 2');
    expect(textOf(message)).toContain('<http://10.0.0.1/|http://10.0.0.1/>');
    expect(textOf(message)).toContain('*b* · LAUNCHING');
  });

  it('gives the URL of the environment that is already running', () => {
    // Act
    const existing = { deployId: DEPLOY_ID, branch: 'feat/x', status: 'READY', url: 'http://10.0.1.23/' };
    const message = rejectedMessage(rejection({ code: 'already_running', existing }), FIXTURE_NOW);

    // Assess
    expect(message.text).toBe('♻️ feat/x already has an environment: http://10.0.1.23/');
  });

  it('tells how to start a second environment (regression: already running did not mention --fresh)', () => {
    // Act
    const existing = { deployId: DEPLOY_ID, branch: 'feat/x', status: 'READY', url: 'http://10.0.1.23/' };
    const message = rejectedMessage(rejection({ code: 'already_running', existing }), FIXTURE_NOW);

    // Assess
    expect(textOf(message)).toContain('with `--fresh`');
    expect(textOf(message)).toContain('send the deploy command with `list mine`');
  });

  it('names the one environment of the branch and points to list mine for the rest (regression: it listed 1 of the user’s 2 environments)', () => {
    // Act
    const existing = {
      deployId: EXISTING_ID,
      branch: 'feat/x',
      status: 'READY',
      url: 'http://10.0.1.23/',
      expiresAt: Math.floor(FIXTURE_NOW.getTime() / 1000) + 3600,
    };
    const text = textOf(rejectedMessage(rejection({ code: 'already_running', existing }), FIXTURE_NOW));

    // Assess
    expect(text).toContain('*feat/x* already has an environment: <http://10.0.1.23/|http://10.0.1.23/>');
    expect(text).toContain(`READY · expires <!date^`);
    expect(text).toContain(`its deploy \`${EXISTING_ID}\``);
    expect(text).not.toContain('"• ');
    expect(text).not.toContain('is already running');
    expect(text).toContain('To see every environment of yours, send the deploy command with `list mine`.');
  });

  it('says an environment of the branch is still starting when it has no URL yet', () => {
    // Act
    const existing = { deployId: DEPLOY_ID, branch: 'feat/x', status: 'REQUESTED' };
    const message = rejectedMessage(rejection({ code: 'already_running', existing }), FIXTURE_NOW);

    // Assess
    expect(message.text).toBe(
      `♻️ feat/x already has an environment starting (deploy ${DEPLOY_ID}); its status shows the link once it is up.`,
    );
  });

  it('says when to retry after an upstream rate limit', () => {
    // Act
    const retryAfter = Math.floor(FIXTURE_NOW.getTime() / 1000) + 600;
    const reason = { code: 'upstream_error', upstream: 'github', message: 'rate limited', retryAfter };
    const message = rejectedMessage(rejection(reason), FIXTURE_NOW);

    // Assess
    expect(message).toMatchSnapshot();
    expect(textOf(message)).toContain('(in 10m)');
  });

  it('explains not found, expired requests and retries without a reset time in plain words', () => {
    // Act
    const texts = [
      { code: 'not_found', searched: 'is:pr is:open ABC-999' },
      { code: 'expired_request', ageSeconds: 5400 },
      { code: 'upstream_error', upstream: 's3', message: 'timeout' },
    ].map((reason) => rejectedMessage(rejection(reason), FIXTURE_NOW).text);

    // Assess
    expect(texts).toEqual([
      '🤷 Nothing matches login: no open PR or branch found.',
      '⌛ Your request waited 1h 30m before it could be handled, so nothing was launched.',
      '⚠️ S3 did not answer properly, so nothing was launched.',
    ]);
  });
});

describe('notices', () => {
  it('warns before expiry with an Extend button for the deployment', () => {
    // Act
    const message = expiringMessage(warningOf(fixtureData(InstanceExpiring)), {
      ...FIXTURE_VIEW,
      now: new Date(1796301900 * 1000),
    });

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toContain('(in 15m)');
    expect(buttonsOf(message).map((b) => [b.action_id, b.value])).toEqual([
      ['extend', DEPLOY_ID],
      ['keep_overnight', DEPLOY_ID],
    ]);
  });

  it('brings the ready message back with the new expiry after an extension', () => {
    // Act
    const message = extendedMessage(
      fixtureData(ExpiryExtended),
      { ...facts, url: 'http://10.0.1.23/' },
      FIXTURE_VIEW,
    );

    // Assess
    expect(message).toMatchSnapshot();
    expect(textOf(message)).toContain('Extended: it now runs until <!date^1795712400^');
    expect(buttonsOf(message).map((b) => b.action_id)).toEqual([
      'extend',
      'keep_overnight',
      'logs_app',
      'terminate',
    ]);
  });

  it('confirms an extension in words when the URL is not known', () => {
    // Act
    const message = extendedMessage({ ...fixtureData(ExpiryExtended), capped: true }, {}, FIXTURE_VIEW);

    // Assess
    expect(message.text).toContain('capped at the maximum lifetime');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('passes on why a request was refused', () => {
    // Act
    const message = refusedMessage(fixtureData(RequestRefused));

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe(
      '🚫 Could not terminate: Only the owner (maija) or an admin can terminate feature/ABC-123-login-page.',
    );
  });

  it('answers a /deploy update with nothing newer in place of its acknowledgement, naming the SHA (ADR 0029)', () => {
    // Prepare
    const event = { detailType: 'UpdateRefused', detail: fixtureDetail(UpdateRefused) } as NotifierEvent;

    // Act
    const plan = planFor(event, FIXTURE_VIEW);
    const message = updateRefusedMessage(fixtureData(UpdateRefused));

    // Assess
    expect(plan).toMatchObject({ kind: 'notice', replaceOriginal: true, skipIfEnded: false });
    expect(message.text).toBe(
      '🚫 No update: feature/ABC-123-login-page already runs abc1234, the newest build of its branch (built 2026-11-26T08:41:00.000Z).',
    );
    expect(JSON.stringify(message.blocks)).toContain('reason `no_newer_build`');
  });
});
