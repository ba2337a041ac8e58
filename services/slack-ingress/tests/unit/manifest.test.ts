import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FORM } from '../../src/domain/deployForm';
import { testConfig } from '../helpers/factories';

const root = join(__dirname, '..', '..', '..', '..');

interface Manifest {
  features: {
    slash_commands: { command: string; url: string; should_escape: boolean }[];
    app_home?: Record<string, boolean>;
    shortcuts?: { callback_id: string; type: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url?: string };
    event_subscriptions?: { request_url: string; bot_events: string[]; user_events?: string[] };
  };
}

const manifest = parse(readFileSync(join(root, 'slack-app-manifest.yml'), 'utf8')) as Manifest;
const serverless = readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8');

describe('slack-app-manifest.yml', () => {
  it('declares the default command names the service is configured with', () => {
    // Prepare
    const { settings } = testConfig();

    // Assess
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([
      settings.deployCommand,
      settings.terminateCommand,
    ]);
  });

  it('sends commands and buttons to the two routes of the HTTP API', () => {
    // Assess
    for (const command of manifest.features.slash_commands)
      expect(command.url).toMatch(/^https:\/\/.+\/slack\/commands$/);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: expect.stringMatching(/^https:\/\/.+\/slack\/interactions$/),
      message_menu_options_url: expect.stringMatching(/^https:\/\/.+\/slack\/interactions$/),
    });
    expect(serverless).toContain('path: /slack/commands');
    expect(serverless).toContain('path: /slack/interactions');
  });

  it('declares the Deploy a branch shortcut with the callback id ingress opens the form for', () => {
    // Assess
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'global', callback_id: FORM.shortcut }),
    ]);
  });

  it('asks for no more scopes than commands, chat:write and files:write (long logs, ADR 0030)', () => {
    // Assess
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'files:write']);
  });

  it('does not have Slack escape user text, which the grammar checks itself', () => {
    // Assess
    expect(manifest.features.slash_commands.every((c) => c.should_escape === false)).toBe(true);
  });

  it("turns the Home tab on, and the Messages tab on read-only for the bot's answers (ADR 0023)", () => {
    // Assess
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
  });

  it('subscribes to app_home_opened only, at the /slack/events route', () => {
    // Assess
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: expect.stringMatching(/^https:\/\/.+\/slack\/events$/),
      bot_events: ['app_home_opened'],
    });
    expect(serverless).toContain('path: /slack/events');
  });
});
