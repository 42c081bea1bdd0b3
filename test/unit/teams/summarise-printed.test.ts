import { describe, expect, it } from 'vitest';
import { summarisePrinted } from '../../../src/chat/teams/guarded-authentication.js';

describe('summarisePrinted', () => {
  it('keeps what botbuilder says, never a stack frame or a key', () => {
    const error = Object.assign(new Error('invalid signature'), { name: 'JsonWebTokenError' });
    const line = summarisePrinted([
      [
        'Error finding key for token. Available keys: -----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAyXrd\n-----END',
      ],
      [error],
      ['BadRequest: Missing activity or activity type.'],
    ]);
    expect(line).toBe(
      'Error finding key for token.; JsonWebTokenError: invalid signature; BadRequest: Missing activity or activity type.',
    );
    expect(line).not.toMatch(/BEGIN|MIIB|\n|\s+at /);
  });
});
