import { routeAlert, type RoutableAlert } from '../../src/alerts/route-alert.js';
import type { DigestChannel } from '../../src/chat/digest-state.js';
import { chatPlatformNames } from '../../src/chat/platforms.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { channelMayShow } from '../../src/config/permissions-config.js';
import { knownPlatform } from '../../src/chat/platforms.js';

type Config = Pick<VigilConfig, 'digest' | 'alerts' | 'permissions'>;

/**
 * Where digests go: `digest.channels` when listed, else every destination the alert routes name
 * (alerts.routes, then alerts.defaultRoute), each once.
 */
export function digestChannels(config: Config): DigestChannel[] {
  const lists = config.digest?.channels
    ? [config.digest.channels]
    : [...config.alerts.routes, ...(config.alerts.defaultRoute ? [config.alerts.defaultRoute] : [])];
  const out: DigestChannel[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const platform of chatPlatformNames) {
      for (const destination of list[platform] ?? []) {
        const key = `${platform}\u0000${destination}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ platform, destination });
      }
    }
  }
  return out;
}

/**
 * Whether an item (an alert, a certificate as it would alert, a cluster as its watchdog alert
 * would) belongs in a channel's digest. With listed channels every item does; with derived ones
 * only what the routes send there, so a channel's digest speaks of the alerts it receives. Either
 * way a restricted cluster shows only in its own channels (the rule `/k8s` queries follow).
 */
export function showsIn(item: RoutableAlert, channel: DigestChannel, config: Config): boolean {
  if (!channelMayShow(config.permissions, item.cluster, knownPlatform(channel.platform), channel.destination))
    return false;
  if (config.digest?.channels) return true;
  return routeAlert(item, config.alerts).some(
    (d) => d.platform === channel.platform && d.destination === channel.destination,
  );
}
