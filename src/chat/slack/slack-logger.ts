import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger as PinoLogger } from 'pino';
import { logger as rootLogger } from '../../logger.js';

/**
 * Routes Bolt's and the WebClient's logs into vigil's pino logger. Debug output is dropped on
 * purpose: at debug level the SDKs print request bodies and payloads (slash command bodies carry
 * the legacy verification `token`), and tokens must never reach a log.
 */
export function slackLogger(base: PinoLogger = rootLogger, name = 'slack'): SlackLogger {
  let log = base.child({ component: name });
  let level: LogLevel = LogLevel.INFO;
  const text = (msg: unknown[]): string =>
    redactTokens(
      msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : safeJson(m))).join(' '),
    );
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      log = base.child({ component: n });
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Belt and braces: any Slack token shape that slips into a message is masked before logging. */
export function redactTokens(text: string): string {
  return text.replace(/\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+/g, '[redacted-slack-token]');
}
