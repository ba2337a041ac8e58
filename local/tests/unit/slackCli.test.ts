import { slackSignature } from '../../src/cli/slackSigning';
import { parseSlashLine, SlashSyntaxError, slashCommandForm } from '../../src/cli/slashCommand';
import { findDeployId, renderSlackMessage } from '../../src/standins/slackRender';

describe('slackSignature', () => {
  it('matches the example in Slack’s request-verification documentation', () => {
    // Prepare
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

    // Act
    const signature = slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body);

    // Assess
    expect(signature).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
});

describe('slashCommandForm', () => {
  it('carries Slack’s fields, in Slack’s order, with a hooks.slack.com response_url', () => {
    // Act
    const form = slashCommandForm({ line: '/deploy login for 2h', userId: 'U0LOCAL1', channelId: 'C1' });

    // Assess
    expect([...form.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(form.get('command')).toBe('/deploy');
    expect(form.get('text')).toBe('login for 2h');
    expect(form.get('channel_id')).toBe('C1');
    expect(form.get('response_url')).toMatch(
      /^https:\/\/hooks\.slack\.com\/commands\/T0LOCAL01\/\d{12}\/[\w-]+$/,
    );
  });

  it('refuses a line that is not a slash command', () => {
    expect(() => parseSlashLine('deploy login')).toThrow(SlashSyntaxError);
  });
});

describe('renderSlackMessage', () => {
  it('renders block text as lines and buttons as [Label]', () => {
    // Prepare
    const payload = {
      text: 'fallback',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':rocket: *demo-ready* is ready\nhttp://x/' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'deploy 01ARZ3NDEKTSV4RRFFQ69G5FAV' }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Extend' } },
            { type: 'button', text: { type: 'plain_text', text: 'Terminate' } },
          ],
        },
      ],
    };

    // Act
    const lines = renderSlackMessage(payload);

    // Assess
    expect(lines).toEqual([
      ':rocket: *demo-ready* is ready',
      'http://x/',
      'deploy 01ARZ3NDEKTSV4RRFFQ69G5FAV',
      '[Extend] [Terminate]',
    ]);
    expect(findDeployId(payload)).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it('falls back to the text when there are no blocks', () => {
    expect(renderSlackMessage({ text: 'one\ntwo' })).toEqual(['one', 'two']);
  });
});
