import { compactLogLine, stamped, timeOfDay } from '../../src/stack/terminalOutput';

describe('stamped', () => {
  it('only some lines of the stack output carried a time: every line of a multi-line block is stamped', () => {
    // Prepare
    const at = new Date(2026, 0, 1, 9, 5, 7, 42);
    const message =
      '── Slack ▸ response_url /commands/T0LOCAL01/1/x\n   ✅ *demo-ready* is ready\n   [Extend] [Terminate]';

    // Act
    const lines = stamped(message, at).split('\n');

    // Assess
    expect(timeOfDay(at)).toBe('09:05:07.042');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.startsWith('09:05:07.042 ')).toBe(true);
  });
});

describe('compactLogLine', () => {
  it('shortens a Powertools line to level, message, deploy id and instance id', () => {
    // Prepare
    const line = JSON.stringify({
      level: 'INFO',
      message: 'instance launched',
      deployId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      instanceId: 'i-0abc',
    });

    // Act / Assess
    expect(compactLogLine(line)).toBe('INFO instance launched (01ARZ3NDEKTSV4RRFFQ69G5FAV · i-0abc)');
  });
});
