import { describe, expect, it } from 'vitest';
import { checkRequestTimestamp } from '../../../src/chat/slack/slack-request-guard.js';

const now = Date.UTC(2026, 10, 21, 10, 0, 0);
const sec = Math.floor(now / 1000);

describe('checkRequestTimestamp', () => {
  it('accepts up to five minutes either way', () => {
    expect(checkRequestTimestamp(String(sec), now)).toBe('ok');
    expect(checkRequestTimestamp(String(sec - 300), now)).toBe('ok');
    expect(checkRequestTimestamp(String(sec + 300), now)).toBe('ok');
  });

  it('rejects stale and future timestamps', () => {
    expect(checkRequestTimestamp(String(sec - 301), now)).toBe('stale');
    expect(checkRequestTimestamp(String(sec + 301), now)).toBe('future');
    expect(checkRequestTimestamp(String(sec + 86_400 * 365), now)).toBe('future');
  });

  it('tells missing from malformed', () => {
    expect(checkRequestTimestamp(undefined, now)).toBe('missing');
    expect(checkRequestTimestamp('12.5', now)).toBe('invalid');
    expect(checkRequestTimestamp('-1', now)).toBe('invalid');
    expect(checkRequestTimestamp(['1', '2'], now)).toBe('invalid');
  });
});
