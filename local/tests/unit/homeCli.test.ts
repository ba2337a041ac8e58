/**
 * What `branch-envs home` and `press` send for the Home tab, against Slack's documented shapes: the
 * Events API envelope of app_home_opened, and a block_actions payload from a view (container type
 * `view`, the view echoed with its private_metadata, no channel and no response_url).
 */
import { blockActionsPayload } from '../../src/cli/blockActions';
import { appHomeOpenedBody, homeViewSource } from '../../src/cli/homeFlow';
import type { CaughtMessage } from '../../src/standins/slackCatcher';

const caughtView: CaughtMessage = {
  seq: 7,
  receivedAt: '2026-11-26T13:00:00.000Z',
  kind: 'views.publish',
  path: '/api/views.publish',
  user: 'U0LOCAL1',
  lines: [],
  payload: {
    id: 'V0HOME0001',
    type: 'home',
    private_metadata: 'D0LOCAL01',
    callback_id: 'branch_envs_home',
    hash: '1764162000.abcd',
    blocks: [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'terminate', value: '01KB0W8J6QF3ZC9D2M4N5P7R8S' }],
      },
    ],
  },
};

describe('the CLI on the Home tab', () => {
  it('sends app_home_opened in the event_callback envelope Slack documents', () => {
    // Act
    const body = appHomeOpenedBody('U0LOCAL1', 'D0LOCAL01', 'T0LOCAL01', Date.parse('2026-11-26T13:00:00Z'));

    // Assess
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0LOCAL01',
      event_time: 1795698000,
      event: { type: 'app_home_opened', user: 'U0LOCAL1', channel: 'D0LOCAL01', tab: 'home' },
    });
    expect(String(body.event_id)).toMatch(/^Ev[A-Z0-9]{10}$/);
  });

  it('presses a Home button as Slack does on a view: no response_url, no channel, the view echoed', () => {
    // Prepare
    const source = homeViewSource(caughtView, 'D0FALLBACK');
    const button = {
      n: 1,
      label: 'Terminate',
      actionId: 'terminate',
      value: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
      blockId: 'b0',
      source,
    };

    // Act
    const payload = blockActionsPayload(button, { userId: 'U0LOCAL1' });

    // Assess
    expect(payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: 'V0HOME0001' },
      view: {
        id: 'V0HOME0001',
        type: 'home',
        private_metadata: 'D0LOCAL01',
        callback_id: 'branch_envs_home',
      },
      actions: [{ action_id: 'terminate', value: '01KB0W8J6QF3ZC9D2M4N5P7R8S', type: 'button' }],
    });
    expect(payload).not.toHaveProperty('response_url');
    expect(payload).not.toHaveProperty('channel');
  });
});
