import { formatSlackDate, renderMrkdwn } from '../../src/standins/slackMrkdwn';
import { displayOptions, renderSlackMessage } from '../../src/standins/slackRender';

const plain = { ansi: false, now: new Date(2026, 10, 30, 12, 0) };
const epoch = (...parts: [number, number, number, number, number]) => new Date(...parts).getTime() / 1000;

describe('renderMrkdwn', () => {
  it('replies printed raw Slack markup: a <!date^…> is shown in local time, as Slack shows it', () => {
    // Prepare
    const at = epoch(2026, 10, 26, 15, 4);
    const text = `Expires <!date^${at}^{date_short_pretty} at {time}|2026-11-26 14:04 UTC>.`;

    // Act / Assess
    expect(renderMrkdwn(text, plain)).toBe('Expires Nov 26, 2026 at 3:04 PM.');
  });

  it('says Today, yesterday and tomorrow for the pretty formats', () => {
    // Prepare
    const today = epoch(2026, 10, 30, 9, 30);
    const tomorrow = epoch(2026, 11, 1, 0, 5);

    // Act / Assess
    expect(formatSlackDate(`!date^${today}^{date_short_pretty} at {time}|x`, plain.now)).toBe(
      'Today at 9:30 AM',
    );
    expect(formatSlackDate(`!date^${tomorrow}^until {date_pretty}, {time_secs}|x`, plain.now)).toBe(
      'until tomorrow, 12:05:00 AM',
    );
    expect(formatSlackDate(`!date^${today}^{date_num} {date_long}|x`, plain.now)).toBe(
      '2026-11-30 Monday, November 30th, 2026',
    );
  });

  it('falls back to the fallback text for a date it cannot read', () => {
    expect(renderMrkdwn('<!date^soon^{date}|in a while>', plain)).toBe('in a while');
  });

  it('replies printed raw Slack markup: links show their text, mentions and channels their names', () => {
    // Prepare
    const text =
      '<http://127.0.0.1:1/i-1/|http://127.0.0.1:1/i-1/> · <https://github.com/acme/shop/pull/42|#42 Login page> ' +
      'for <@U0LOCAL1>, <@U024BE7LH|alice> in <#C0LOCAL01|deploys> <!here> <!subteam^S0TEAM|@devs>';

    // Act / Assess
    expect(renderMrkdwn(text, plain)).toBe(
      'http://127.0.0.1:1/i-1/ · #42 Login page (https://github.com/acme/shop/pull/42) for @U0LOCAL1, @alice in #deploys @here @devs',
    );
  });

  it('drops *bold*, _italic_ and ~strike~ markers but keeps code and what code contains', () => {
    // Prepare
    const text = ':white_check_mark: *demo-ready* is _ready_, ~not~ `*raw*` &lt;ok&gt; a*b*c';

    // Act / Assess
    expect(renderMrkdwn(text, plain)).toBe('✅ demo-ready is ready, not `*raw*` <ok> a*b*c');
  });

  it('styles with ANSI and links with OSC 8 on a terminal', () => {
    // Act
    const out = renderMrkdwn('*x* <https://e.example/|docs>', { ansi: true });

    // Assess
    expect(out).toBe('\u001b[1mx\u001b[22m \u001b]8;;https://e.example/\u001b\\docs\u001b]8;;\u001b\\');
  });

  it('shows a quote with a bar', () => {
    expect(renderMrkdwn('> quoted\nnot', plain)).toBe('▎ quoted\nnot');
  });
});

describe('renderSlackMessage with display options', () => {
  it('renders mrkdwn sections but leaves plain_text as written, except emoji', () => {
    // Prepare
    const payload = {
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':mag: *login* matches two branches' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Deploy *this*' },
              action_id: 'a',
              value: 'v',
            },
          ],
        },
      ],
    };

    // Act
    const lines = renderSlackMessage(payload, displayOptions(plain));

    // Assess
    expect(lines).toEqual(['🔍 login matches two branches', '[Deploy *this*]']);
    expect(renderSlackMessage(payload)[0]).toBe(':mag: *login* matches two branches');
  });
});
