import type { ChatPlatformName } from '../src/domain/alert.js';

const prefixes: Record<ChatPlatformName, string> = { slack: '/k8s', teams: '@vigil', web: '' };

/**
 * How a user types a command on their platform: `/k8s certs prod` in Slack, `@vigil certs prod` in
 * Teams, `certs prod` in the web chat's command box.
 */
export function commandHint(platform: ChatPlatformName, ...words: (string | undefined)[]): string {
  return [prefixes[platform], ...words].filter((w): w is string => w !== undefined && w !== '').join(' ');
}
