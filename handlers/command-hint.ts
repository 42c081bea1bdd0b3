import type { ChatPlatformName } from '../src/domain/alert.js';

/** How a user types a command on their platform: `/k8s certs prod` in Slack, `@vigil certs prod` in Teams. */
export function commandHint(platform: ChatPlatformName, ...words: (string | undefined)[]): string {
  const prefix = platform === 'slack' ? '/k8s' : '@vigil';
  return [prefix, ...words.filter((w): w is string => w !== undefined && w !== '')].join(' ');
}
