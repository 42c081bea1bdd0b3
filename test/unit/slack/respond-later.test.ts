import { describe, expect, it } from 'vitest';
import { isAllowedResponseUrl } from '../../../src/chat/slack/respond-later.js';

describe('isAllowedResponseUrl', () => {
  const api = 'https://slack.com/api/';

  it('accepts Slack hooks URLs over https', () => {
    expect(isAllowedResponseUrl('https://hooks.slack.com/commands/T1/2/abc', api)).toBe(true);
    expect(isAllowedResponseUrl('https://hooks.slack-gov.com/actions/T1/2/abc', api)).toBe(true);
  });

  it('refuses anything else a request could carry', () => {
    for (const url of [
      'http://hooks.slack.com/commands/T1/2/abc',
      'https://hooks.slack.com.evil.example/x',
      'https://evil.example/hooks.slack.com',
      'https://user:pw@hooks.slack.com/x',
      'https://hooks.slack.com:8443/x',
      'https://169.254.169.254/latest/meta-data',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(isAllowedResponseUrl(url, api), url).toBe(false);
    }
  });

  it('accepts the configured API origin, for fakes and private deployments', () => {
    expect(isAllowedResponseUrl('http://127.0.0.1:4000/hooks/x', 'http://127.0.0.1:4000/api/')).toBe(true);
    expect(isAllowedResponseUrl('http://127.0.0.1:4001/hooks/x', 'http://127.0.0.1:4000/api/')).toBe(false);
  });
});
