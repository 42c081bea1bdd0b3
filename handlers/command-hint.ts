import { chatPlatformModule } from '../src/chat/platforms.js';
import type { ChatPlatformName } from '../src/domain/alert.js';

/**
 * How a user types a command on their platform, with the prefix its module declares: `/k8s certs
 * prod` in Slack, `@vigil certs prod` in Teams, `certs prod` where the prefix is empty (the web
 * chat's command box).
 */
export function commandHint(platform: ChatPlatformName, ...words: (string | undefined)[]): string {
  const prefix = chatPlatformModule(platform).commandPrefix;
  return [prefix, ...words].filter((w): w is string => w !== undefined && w !== '').join(' ');
}
