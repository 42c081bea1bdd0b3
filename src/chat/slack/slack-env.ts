import { ConfigError, type ConfigProblem } from '../../domain/config-error.js';

/** The Slack secrets and endpoint, read from the environment only (ARCHITECTURE.md: secrets never live in vigil.yaml). */
export interface SlackEnv {
  /** Bot User OAuth Token (`xoxb-…`). Never log it. */
  botToken: string;
  /**
   * Signing secret used to verify every inbound HTTP request. Never log it. Empty in Socket Mode
   * when unset: nothing arrives over HTTP there, so nothing is signed.
   */
  signingSecret: string;
  /**
   * App-level token (`xapp-…`, scope `connections:write`). Set, it turns on Socket Mode: vigil opens
   * the WebSocket itself (create-slack-socket.ts) and serves no `POST /slack/events`. Never log it.
   */
  appToken?: string;
  /** Web API base URL, always ending in `/` (GovSlack and tests point it elsewhere). */
  apiUrl: string;
  /**
   * SLACK_APP_ID, optional: when set, requests naming another app (`api_app_id`) are refused even
   * if signed, for a signing secret shared by mistake between apps.
   */
  appId?: string;
}

export const defaultSlackApiUrl = 'https://slack.com/api/';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when any Slack secret is set: Slack is then wanted, and readSlackEnv must succeed. */
export function slackEnvPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    env['SLACK_BOT_TOKEN']?.trim() || env['SLACK_SIGNING_SECRET']?.trim() || env['SLACK_APP_TOKEN']?.trim(),
  );
}

/**
 * Reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL and SLACK_APP_ID, reporting every
 * problem at once. The signing secret is required over HTTP and optional in Socket Mode
 * (SLACK_APP_TOKEN set). Messages name the variable and the fix but never echo a value: they are secrets.
 */
export function readSlackEnv(env: NodeJS.ProcessEnv = process.env): Readonly<SlackEnv> {
  const problems: ConfigProblem[] = [];
  const botToken = env['SLACK_BOT_TOKEN']?.trim() ?? '';
  const signingSecret = env['SLACK_SIGNING_SECRET']?.trim() ?? '';
  const appToken = env['SLACK_APP_TOKEN']?.trim() ?? '';
  const rawUrl = env['SLACK_API_URL']?.trim() || defaultSlackApiUrl;
  const appId = env['SLACK_APP_ID']?.trim() ?? '';

  if (!botToken) {
    problems.push({
      key: 'SLACK_BOT_TOKEN',
      message:
        "is not set; copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page",
    });
  } else if (!botToken.startsWith('xoxb-')) {
    problems.push({
      key: 'SLACK_BOT_TOKEN',
      message:
        'must be a bot token starting with xoxb- (user tokens xoxp- and app-level tokens xapp- do not work); ' +
        "copy the Bot User OAuth Token from the app's OAuth & Permissions page",
    });
  }
  if (appToken && !/^xapp-[^\s]+$/.test(appToken)) {
    problems.push({
      key: 'SLACK_APP_TOKEN',
      message:
        'must be an app-level token starting with xapp- (bot tokens xoxb- do not open Socket Mode); ' +
        "create one with the connections:write scope under the app's Basic Information → App-Level Tokens",
    });
  }
  if (!signingSecret && !appToken) {
    problems.push({
      key: 'SLACK_SIGNING_SECRET',
      message:
        "is not set; copy the Signing Secret from your Slack app's Basic Information page " +
        '(or set SLACK_APP_TOKEN to use Socket Mode, which needs no signing secret)',
    });
  } else if (/\s/.test(signingSecret)) {
    problems.push({
      key: 'SLACK_SIGNING_SECRET',
      message: 'contains whitespace; copy the Signing Secret again from the Basic Information page',
    });
  }
  if (appId && !/^A[A-Z0-9]{2,30}$/.test(appId)) {
    problems.push({
      key: 'SLACK_APP_ID',
      message:
        "must be the app's ID, such as A0123ABCDEF, from the Slack app's Basic Information page (or leave it unset)",
    });
  }
  const apiUrl = normaliseApiUrl(rawUrl, problems);

  if (problems.length > 0) throw new ConfigError('environment', problems);
  return Object.freeze({
    botToken,
    signingSecret,
    ...(appToken ? { appToken } : {}),
    apiUrl: apiUrl as string,
    ...(appId ? { appId } : {}),
  });
}

function normaliseApiUrl(raw: string, problems: ConfigProblem[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push({
      key: 'SLACK_API_URL',
      message: `is not a URL; leave it unset for ${defaultSlackApiUrl} or set the Web API base (GovSlack: https://slack-gov.com/api/)`,
    });
    return undefined;
  }
  // Plain http would send the bot token in clear; it is only tolerated for a local fake.
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    problems.push({
      key: 'SLACK_API_URL',
      message: 'must use https:// (http:// is accepted only for 127.0.0.1/localhost test fakes)',
    });
    return undefined;
  }
  if (url.search || url.hash || url.username || url.password) {
    problems.push({
      key: 'SLACK_API_URL',
      message: 'must be a plain base URL such as https://slack.com/api/',
    });
    return undefined;
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
