import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { readWebEnv, webEnvPresent } from '../../../src/chat/web/web-env.js';

const token = 'a'.repeat(32);

describe('web chat environment', () => {
  it('is on with VIGIL_WEB=1, or with a token alone', () => {
    expect(webEnvPresent({})).toBe(false);
    expect(webEnvPresent({ VIGIL_WEB: '0' })).toBe(false);
    expect(webEnvPresent({ VIGIL_WEB: '1' })).toBe(true);
    expect(webEnvPresent({ VIGIL_WEB: 'true' })).toBe(true);
    expect(webEnvPresent({ VIGIL_WEB_TOKEN: token })).toBe(true);
    expect(readWebEnv({ VIGIL_WEB: '1' })).toEqual({});
    expect(readWebEnv({ VIGIL_WEB_TOKEN: ` ${token} ` })).toEqual({ token });
  });

  it('reports every problem at once and never echoes the token', () => {
    let error: unknown;
    try {
      readWebEnv({ VIGIL_WEB: 'maybe', VIGIL_WEB_TOKEN: 'short secret' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = JSON.stringify((error as ConfigError).problems);
    expect(text).toMatch(/VIGIL_WEB.*must be 1/);
    expect(text).toMatch(/VIGIL_WEB_TOKEN.*at least 24/);
    expect(text).not.toContain('short secret');
    expect(() => readWebEnv({ VIGIL_WEB: '0', VIGIL_WEB_TOKEN: token })).toThrow(ConfigError);
  });
});
