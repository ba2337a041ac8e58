import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { helpMessage, somethingWentWrong } from '../../src/domain/blocks';
import { parseDeployCommand, parseTerminateCommand } from '../../src/domain/grammar';
import { parseButton, parseSlashCommand } from '../../src/domain/handleCommand';
import { listMessage, statusMessage } from '../../src/domain/messages/deploymentViews';
import {
  deployAck,
  extendAck,
  replies,
  terminateAck,
  terminateLabel,
} from '../../src/domain/messages/replies';
import { updateReplies } from '../../src/domain/updateRequest';
import {
  buttonEvent,
  CHANNEL,
  DEPLOY_ID,
  deploymentItem,
  OTHER_DEPLOY_ID,
  OTHER_USER,
  slashEvent,
  TEAM,
  testConfig,
  USER,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

// Thursday 2026-11-26, 15:00 Helsinki; tonight's nightly shutdown is at 19:00 Helsinki (17:00 UTC).
const nightly = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' };
const view = { now: new Date('2026-11-26T13:00:00.000Z'), nightly };
const ack = {
  query: 'demo-ready',
  deployId: DEPLOY_ID,
  ttlSeconds: 2 * 86_400,
  capped: true,
  requestedSeconds: 99 * 86_400,
  maxTtlSeconds: 2 * 86_400,
  fresh: false,
  deployCommand: '/deploy',
};

describe('every ingress reply, side by side', () => {
  it('renders each one', () => {
    // Act
    const all = {
      deployAck: deployAck(ack, view),
      deployAckShort: deployAck({ ...ack, ttlSeconds: 3600, capped: false, fresh: true }, view),
      terminateMine: terminateAck(terminateLabel.mine(1, 'deploy `01KB0W8J6QF3ZC9D2M4N5P7R8S`'), 'REQ'),
      terminateMineMany: terminateAck(terminateLabel.mine(2, ''), 'REQ'),
      terminateAll: terminateAck(terminateLabel.all(5), 'REQ'),
      extendOvernight: extendAck('deploy `X`', { kind: 'overnight' }, 'REQ', view),
      extendDuration: extendAck('deploy `X`', { kind: 'duration', seconds: 7200 }, 'REQ', view),
      onlyAdmins: replies.onlyAdminsTerminateAll('/terminate'),
      belongsTo: replies.belongsTo('<@U0LOCAL2>', 'extend'),
      alreadyEnded: replies.alreadyEnded(DEPLOY_ID, 'TERMINATED'),
      notAllowed: replies.notAllowed('U0STRANGER'),
      updateAck: updateReplies.ack('deploy `X` (`login`)', 'abc1234', false, 'REQ'),
      updateAckReseed: updateReplies.ack('deploy `X` (`login`)', undefined, true, 'REQ'),
      updateFollows: updateReplies.followsRunning('abc1234'),
      updateSeveral: updateReplies.several('login', ['A', 'B'], '/deploy'),
      updateStillLaunching: updateReplies.stillLaunching('X', 'LAUNCHING'),
      updateFailed: updateReplies.failed('X'),
      updateReseedWhileUpdating: updateReplies.reseedWhileUpdating('deploy `X`', 'abc1234'),
      help: helpMessage({
        deployCommand: '/deploy',
        terminateCommand: '/terminate',
        defaultTtlSeconds: 4 * 3600,
        maxTtlSeconds: 2 * 86_400,
        nightly,
      }).blocks,
    };

    // Assess
    expect(all).toMatchSnapshot();
  });

  it('`/deploy demo-ready for 99d` names the nightly end (regression: "lives for 2d" with no word of it)', () => {
    // Act
    const text = deployAck(ack, view);

    // Assess
    expect(text).toContain(
      'Once it is up it runs until <!date^1795712400^{date_short_pretty} at {time}|19:00 Helsinki tonight, Thu 26 Nov> (nightly shutdown).',
    );
    expect(text).toContain('`/deploy extend 01KB0W8J6QF3ZC9D2M4N5P7R8S overnight`');
    expect(text).toContain('You asked for 99d; the maximum is 2d, so I capped it.');
  });

  it('extend overnight names the date and time it keeps it until (regression: "through tonight’s shutdown")', () => {
    // Act
    const text = extendAck('deploy `X`', { kind: 'overnight' }, 'REQ', {
      ...view,
      now: new Date('2026-11-26T19:00:00.000Z'),
    });

    // Assess: asked at 21:00 Helsinki, after tonight's run: until tomorrow's.
    expect(text).toContain(
      'Keeping deploy `X` overnight, until <!date^1795798800^{date_short_pretty} at {time}|19:00 Helsinki tomorrow, Fri 27 Nov>',
    );
  });

  it('says /terminate mine with one environment names it (regression: "your 1 environment(s)")', () => {
    // Act + Assess
    expect(terminateLabel.mine(1, 'deploy `A`')).toBe('your environment deploy `A`');
    expect(terminateLabel.mine(3, 'deploy `A`')).toBe('your 3 environments');
  });

  it('explains the nightly shutdown in help', () => {
    // Act
    const text = JSON.stringify(
      helpMessage({
        deployCommand: '/deploy',
        terminateCommand: '/terminate',
        defaultTtlSeconds: 14_400,
        maxTtlSeconds: 172_800,
        nightly,
      }),
    );

    // Assess
    expect(text).toContain('Every day at 19:00 Helsinki the nightly shutdown ends every environment');
  });
});

describe('the list and status views, side by side', () => {
  const nowSeconds = Math.floor(view.now.getTime() / 1000);
  const ready = deploymentItem({ expiresAt: nowSeconds + 3 * 3600 });
  const overnight = deploymentItem({
    deployId: OTHER_DEPLOY_ID,
    branch: 'main',
    owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'pekka' },
    ownerId: OTHER_USER,
    expiresAt: nowSeconds + 30 * 3600,
    keepOvernight: true,
  });
  const {
    branch: _none,
    url: _noUrl,
    ...searching
  } = deploymentItem({
    deployId: '01KB0W8J6QF3ZC9D2M4N5P7RAB',
    status: 'REQUESTED',
    query: 'ABC-9',
    expiresAt: nowSeconds + 4 * 3600,
    history: [{ step: 'requested', at: '2026-11-26T12:59:00.000Z' }],
  });

  it('renders each one with representative deployments', () => {
    // Act
    const all = {
      listAll: listMessage([overnight, ready, searching], view, 'all'),
      listMine: listMessage([ready], view, 'mine'),
      listNoneOfYours: listMessage([], view, 'mine'),
      listNone: listMessage([], view, 'all'),
      statusLive: statusMessage(ready, view, { live: true, olderCount: 2 }),
      statusOvernight: statusMessage(overnight, view, { live: true }),
      statusEnded: statusMessage({ ...ready, status: 'TERMINATED' }, view, { live: false }),
      statusSearching: statusMessage(searching, view, { live: true }),
    };

    // Assess
    expect(all).toMatchSnapshot();
  });
});

describe('every answer to a command ingress cannot read, side by side', () => {
  const grammar = { defaultTtlSeconds: 4 * 3600, maxTtlSeconds: 2 * 86_400 };
  type Parsed = { kind: string; reason?: string };
  const reasonOf = (command: Parsed): string =>
    command.kind === 'invalid' ? (command.reason ?? '') : `(parsed as ${command.kind})`;

  it('renders each one', () => {
    // Prepare: one input per refusal the grammar has (grammar.ts), in the order it checks them.
    const deployInputs = {
      hiddenCharacter: 'login\u202Epage',
      textTooLong: 'x'.repeat(400),
      unknownOption: 'login --force',
      unreadableDuration: 'login for 3weeks',
      emptyQuery: '--fresh',
      queryTooLong: 'x'.repeat(300),
      rawWithoutQualifiers: 'raw:',
      rawCharacter: 'raw:label:a;b',
      pullNumber: '#4x2',
      severalWords: 'login page',
      doubleDot: 'a..b',
      fragmentCharacter: 'login$',
      listArgument: 'list everything',
      statusWithoutTarget: 'status',
      statusBadTarget: 'status bad$name',
      extendWithoutTarget: 'extend',
      extendWithoutDuration: 'extend login',
      extendUnreadableDuration: 'extend login 3weeks',
    };
    const terminateInputs = { severalWords: 'login page', badTarget: 'bad$name' };
    const reasons = (inputs: Record<string, string>, parse: (text: string) => Parsed) =>
      Object.fromEntries(Object.entries(inputs).map(([name, text]) => [name, reasonOf(parse(text))]));

    // Act
    const all = {
      deploy: reasons(deployInputs, (text) => parseDeployCommand(text, grammar)),
      terminate: reasons(terminateInputs, parseTerminateCommand),
    };

    // Assess
    expect(all).toMatchSnapshot();
  });
});

describe('every answer to what ingress does not act on, side by side', () => {
  const { settings } = testConfig();
  const from = {
    actor: { userId: USER, teamId: TEAM, userName: 'maija' },
    conversation: { channelId: CHANNEL, issuedAt: '2026-11-26T13:00:00.000Z' },
  };
  const press = (actionId: string, value: string) => parseButton({ actionId, value, ...from }, settings);
  const reasonOf = (command: { kind: string; reason?: string }): string =>
    command.kind === 'unknown' ? (command.reason ?? '') : `(parsed as ${command.kind})`;

  it('renders each one', () => {
    // Act
    const all = {
      unknownCommand: reasonOf(parseSlashCommand({ command: '/other', text: 'x', ...from }, settings)),
      buttonWithoutBranch: reasonOf(press('deploy_candidate', DEPLOY_ID)),
      buttonWithoutDeployment: reasonOf(press('terminate', 'main')),
      unknownButton: reasonOf(press('launch_rockets', DEPLOY_ID)),
      slackRetry: replies.slackRetry,
      somethingWentWrong: somethingWentWrong('01KB0W8J6QF3ZC9D2M4N5P7R8S').text,
    };

    // Assess
    expect(all).toMatchSnapshot();
  });
});

describe('the Keep overnight button', () => {
  const mocks = awsMocks();
  beforeEach(() => mocks.reset());

  it('publishes an overnight ExtendRequested for its deployment', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'keep_overnight', value: DEPLOY_ID }));

    // Assess
    const entry = mocks.eventBridge.calls()[0]?.args[0].input as { Entries?: { Detail?: string }[] };
    const detail = ExtendRequested.detail.parse(JSON.parse(entry.Entries?.[0]?.Detail ?? 'null'));
    expect(detail.data).toMatchObject({
      target: { kind: 'deploy', deployId: DEPLOY_ID },
      extension: { kind: 'overnight' },
    });
  });

  it('slash commands still answer without a nightly time configured (defaults to 19:00 Helsinki)', async () => {
    // Act
    const result = await ingressHarness().invoke(slashEvent('/deploy', 'help'));

    // Assess
    expect(String(result.body)).toContain('nightly shutdown');
  });
});
