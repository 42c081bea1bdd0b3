import { describe, expect, it } from 'vitest';
import { commandHint } from '../../../handlers/command-hint.js';
import {
  chatPlatformNames,
  chatPlatforms,
  configuredPlatforms,
  perPlatform,
  readChatPlatformSettings,
} from '../../../src/chat/platforms.js';
import { ConfigError } from '../../../src/domain/config-error.js';

describe('the chat platform list', () => {
  it('names each platform once, and keys per-platform values by those names', () => {
    expect(chatPlatformNames).toEqual(['slack', 'teams', 'web']);
    expect(new Set(chatPlatformNames).size).toBe(chatPlatforms.length);
    expect(perPlatform((p) => p.commandPrefix)).toEqual({ slack: '/k8s', teams: '@vigil', web: '' });
  });

  it("gives command hints each platform's own prefix", () => {
    expect(commandHint('slack', 'certs', undefined, 'prod')).toBe('/k8s certs prod');
    expect(commandHint('teams', 'ack', 'a7k2q')).toBe('@vigil ack a7k2q');
  });

  it('turns on only the platforms whose variables are set', () => {
    expect(readChatPlatformSettings({})).toEqual({});
    const settings = readChatPlatformSettings({
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(settings).toEqual({
      slack: { botToken: 'xoxb-1-2-3', signingSecret: 'secret', apiUrl: 'https://slack.com/api/' },
    });
    expect(configuredPlatforms(settings).map((c) => c.module.name)).toEqual(['slack']);
    expect(configuredPlatforms({ teams: { authDisabled: true } }).map((c) => c.module.name)).toEqual([
      'teams',
    ]);
  });

  it("reports every platform's environment problems at once", () => {
    let error: unknown;
    try {
      readChatPlatformSettings({ SLACK_BOT_TOKEN: 'xoxp-user-token', MicrosoftAppId: 'vigil-bot' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'MicrosoftAppId']),
    );
    expect((error as ConfigError).userMessage).not.toContain('xoxp-user-token');
  });
});
