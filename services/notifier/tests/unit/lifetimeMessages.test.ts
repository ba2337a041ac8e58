import { InstanceExpiringV2 } from '@branch-envs/shared/events';
import { fixtureData } from '../../../../shared/tests/helpers/factories';
import type { Block, Button, SlackMessage } from '../../src/domain/blocks';
import { readyMessage, terminatedMessage } from '../../src/domain/messages/deployment';
import { expiringMessage, extendedMessage, warningOf } from '../../src/domain/messages/notices';
import {
  DEPLOY_ID,
  ExpiryExtended,
  FIXTURE_VIEW,
  InstanceExpiring,
  InstanceReady,
  InstanceTerminated,
} from '../helpers/factories';

const buttonsOf = (message: SlackMessage): Button[] =>
  message.blocks.flatMap((block: Block) => (block.type === 'actions' ? block.elements : []));
const textOf = (message: SlackMessage): string => JSON.stringify(message.blocks);

// Thursday 2026-11-26, 11:00 Helsinki; tonight's shutdown is 19:00 Helsinki = 17:00 UTC (1795712400).
const TONIGHT = 1795712400;
const TOMORROW = TONIGHT + 86_400;

describe('one truthful lifetime', () => {
  it('the ready message of `/deploy demo-ready for 99d` names the nightly end (regression: it said "lives for 2d")', () => {
    // Prepare: capped at 2 days, so its expiry is after tonight's shutdown.
    const ready = { ...fixtureData(InstanceReady), expiresAt: TONIGHT + 2 * 86_400 };

    // Act
    const message = readyMessage(ready, {}, FIXTURE_VIEW);

    // Assess
    expect(textOf(message)).toContain(
      `It runs until <!date^${TONIGHT}^{date_short_pretty} at {time}|19:00 Helsinki tonight, Thu 26 Nov> (nightly shutdown)`,
    );
    expect(textOf(message)).toContain(`Keep overnight keeps it until <!date^${TOMORROW}^`);
  });

  it('states the expiry, not the nightly shutdown, when the expiry comes first', () => {
    // Act
    const message = readyMessage(
      { ...fixtureData(InstanceReady), expiresAt: TONIGHT - 3600 },
      {},
      FIXTURE_VIEW,
    );

    // Assess
    expect(textOf(message)).toContain('|18:00 Helsinki tonight, Thu 26 Nov>.');
    expect(textOf(message)).not.toContain('nightly shutdown');
  });

  it('warns before the nightly shutdown with Keep overnight and Extend, saying which one helps', () => {
    // Prepare
    const warning = { ...fixtureData(InstanceExpiringV2), endsAt: TONIGHT, reason: 'nightly' as const };

    // Act
    const message = expiringMessage(warningOf(warning), {
      ...FIXTURE_VIEW,
      now: new Date((TONIGHT - 1500) * 1000),
    });

    // Assess
    expect(message).toMatchSnapshot();
    expect(message.text).toBe(
      '⏰ feature/ABC-123-login-page will be terminated by the nightly shutdown 19:00 Helsinki tonight, Thu 26 Nov (in 25m).',
    );
    expect(textOf(message)).toContain('press Keep overnight: it then runs until');
    expect(buttonsOf(message).map((b) => b.action_id)).toEqual(['extend', 'keep_overnight']);
  });

  it('reads a v1 warning as an expiry warning', () => {
    // Act
    const warning = warningOf(fixtureData(InstanceExpiring));

    // Assess
    expect(warning).toMatchObject({ reason: 'ttl', endsAt: fixtureData(InstanceExpiring).expiresAt });
  });

  it('answers extend overnight with the date and time it now ends (regression: "through tonight\'s shutdown" set ~46 h)', () => {
    // Prepare: kept overnight, expiry moved to tomorrow's run.
    const extended = { ...fixtureData(ExpiryExtended), expiresAt: TOMORROW, keepOvernight: true };

    // Act
    const message = extendedMessage(extended, {}, FIXTURE_VIEW);

    // Assess
    expect(message.text).toBe(
      '⏰ feature/ABC-123-login-page kept overnight: it now runs until 19:00 Helsinki tomorrow, Fri 27 Nov (nightly shutdown).',
    );
  });

  it('answers an extend that the nightly shutdown overtakes with the nightly end', () => {
    // Act
    const message = extendedMessage(
      { ...fixtureData(ExpiryExtended), keepOvernight: false },
      { url: 'http://10.0.1.23/' },
      FIXTURE_VIEW,
    );

    // Assess
    expect(textOf(message)).toContain('Extended: it now runs until <!date^1795712400^');
    expect(buttonsOf(message).map((b) => [b.action_id, b.value])).toContainEqual([
      'keep_overnight',
      DEPLOY_ID,
    ]);
  });
});

describe('termination wording', () => {
  it.each([
    ['user', 'U0LOCAL1', '🛑 feature/ABC-123-login-page was terminated by <@U0LOCAL1>.'],
    ['admin', 'U0ADMIN1', '🛑 feature/ABC-123-login-page was terminated by an admin, <@U0ADMIN1>.'],
    ['nightly', undefined, '🛑 feature/ABC-123-login-page was terminated by the nightly shutdown.'],
  ] as const)('says who or what ended it once (regression: "was terminated: it was terminated by"), for %s', (reason, by, expected) => {
    // Act
    const data = { ...fixtureData(InstanceTerminated), reason, ...(by ? { terminatedBy: by } : {}) };
    const message = terminatedMessage(data, {});

    // Assess
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: expected.replace('feature/ABC-123-login-page', '*feature/ABC-123-login-page*'),
      },
    });
  });
});
