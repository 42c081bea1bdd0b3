import { ConfigError, type ConfigProblem } from '../../domain/config-error.js';

/** The web chat's settings for `vigil serve`, read from the environment only (web-module.ts). */
export interface WebEnv {
  /** VIGIL_WEB_TOKEN: required when the HTTP server listens beyond loopback. Never log it. */
  token?: string;
}

const on = new Set(['1', 'true', 'yes', 'on']);
const off = new Set(['0', 'false', 'no', 'off', '']);

/**
 * True when VIGIL_WEB is set to anything but off, or VIGIL_WEB_TOKEN is set (a token only makes
 * sense with the chat on): then readWebEnv must succeed, so a mistyped value is an error, not off.
 */
export function webEnvPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env['VIGIL_WEB']?.trim().toLowerCase() ?? '';
  return !off.has(flag) || Boolean(env['VIGIL_WEB_TOKEN']?.trim());
}

/** Reads VIGIL_WEB and VIGIL_WEB_TOKEN, reporting every problem at once; never echoes the token. */
export function readWebEnv(env: NodeJS.ProcessEnv = process.env): Readonly<WebEnv> {
  const problems: ConfigProblem[] = [];
  const flag = env['VIGIL_WEB']?.trim().toLowerCase() ?? '';
  if (!on.has(flag) && !off.has(flag)) {
    problems.push({ key: 'VIGIL_WEB', message: 'must be 1 (web chat on) or 0 (off)' });
  }
  const token = env['VIGIL_WEB_TOKEN']?.trim() ?? '';
  if (token && (token.length < 24 || !/^[\x21-\x7e]+$/.test(token))) {
    problems.push({
      key: 'VIGIL_WEB_TOKEN',
      message:
        'must be at least 24 printable characters without spaces, e.g. the output of `openssl rand -hex 32`',
    });
  }
  if (token && off.has(flag) && flag !== '') {
    problems.push({ key: 'VIGIL_WEB', message: 'is off but VIGIL_WEB_TOKEN is set; unset one of them' });
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return Object.freeze(token ? { token } : {});
}
