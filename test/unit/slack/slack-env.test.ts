import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { defaultSlackApiUrl, readSlackEnv, slackEnvPresent } from '../../../src/chat/slack/slack-env.js';

const good = {
  SLACK_BOT_TOKEN: 'xoxb-123-456-abcdef',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
};

function problems(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readSlackEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

describe('readSlackEnv', () => {
  it('reads the secrets and defaults the API URL', () => {
    expect(readSlackEnv(good)).toEqual({
      botToken: good.SLACK_BOT_TOKEN,
      signingSecret: good.SLACK_SIGNING_SECRET,
      apiUrl: defaultSlackApiUrl,
    });
  });

  it('reads SLACK_APP_ID when set, and refuses one that is not an app id', () => {
    expect(readSlackEnv({ ...good, SLACK_APP_ID: ' A0123ABCDEF ' }).appId).toBe('A0123ABCDEF');
    expect(readSlackEnv({ ...good, SLACK_APP_ID: '' })).not.toHaveProperty('appId');
    const error = problems({ ...good, SLACK_APP_ID: 'vigil' });
    expect(error.problems).toEqual([
      { key: 'SLACK_APP_ID', message: expect.stringContaining('Basic Information') },
    ]);
  });

  it('normalises SLACK_API_URL with a trailing slash and accepts a loopback fake over http', () => {
    expect(readSlackEnv({ ...good, SLACK_API_URL: 'https://slack-gov.com/api' }).apiUrl).toBe(
      'https://slack-gov.com/api/',
    );
    expect(readSlackEnv({ ...good, SLACK_API_URL: 'http://127.0.0.1:4000/api/' }).apiUrl).toBe(
      'http://127.0.0.1:4000/api/',
    );
  });

  it('reports every missing variable at once, naming it and the fix', () => {
    const error = problems({});
    expect(error.problems.map((p) => p.key)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(error.message).toContain('OAuth & Permissions');
    expect(error.message).toContain('Basic Information');
  });

  it('rejects non-bot tokens, plain http to remote hosts and malformed URLs without echoing secrets', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      SLACK_SIGNING_SECRET: 'abc',
      SLACK_API_URL: 'http://slack.example.com/api/',
    };
    const error = problems(env);
    expect(error.problems.map((p) => p.key)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_API_URL']);
    expect(error.message).toContain('xoxb-');
    expect(error.message).not.toContain('xoxp-user-token-secret');
    expect(problems({ ...good, SLACK_API_URL: 'not a url' }).problems[0]!.key).toBe('SLACK_API_URL');
  });

  it('knows whether Slack is wanted at all', () => {
    expect(slackEnvPresent({})).toBe(false);
    expect(slackEnvPresent({ SLACK_SIGNING_SECRET: 'x' })).toBe(true);
  });
});

describe('readSlackEnv in Socket Mode (SLACK_APP_TOKEN)', () => {
  const appToken = 'xapp-1-A0VIGIL-123-abcdef';

  it('reads the app-level token and needs no signing secret then', () => {
    expect(readSlackEnv({ SLACK_BOT_TOKEN: good.SLACK_BOT_TOKEN, SLACK_APP_TOKEN: ` ${appToken} ` })).toEqual(
      {
        botToken: good.SLACK_BOT_TOKEN,
        signingSecret: '',
        appToken,
        apiUrl: defaultSlackApiUrl,
      },
    );
    expect(readSlackEnv({ ...good, SLACK_APP_TOKEN: appToken }).appToken).toBe(appToken);
    expect('appToken' in readSlackEnv(good)).toBe(false);
  });

  it('rejects a token that is not app-level, without echoing it, and still needs the bot token', () => {
    const error = problems({ SLACK_APP_TOKEN: 'xoxb-not-an-app-token' });
    expect(error.problems.map((p) => p.key)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']);
    expect(error.message).toContain('xapp-');
    expect(error.message).toContain('connections:write');
    expect(error.message).not.toContain('xoxb-not-an-app-token');
  });

  it('says how to do without a signing secret when neither it nor an app token is set', () => {
    const error = problems({ SLACK_BOT_TOKEN: good.SLACK_BOT_TOKEN });
    expect(error.problems.map((p) => p.key)).toEqual(['SLACK_SIGNING_SECRET']);
    expect(error.message).toContain('SLACK_APP_TOKEN');
  });

  it('counts an app token alone as wanting Slack', () => {
    expect(slackEnvPresent({ SLACK_APP_TOKEN: appToken })).toBe(true);
  });
});
