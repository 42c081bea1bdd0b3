import { chatPlatformNames } from '../chat/platforms.js';
import type { AlertRoute, RouteDestinations } from '../config/alerts-config.js';
import type { Alert, ChatPlatformName } from '../domain/alert.js';
import { compareSeverity, type Severity } from '../domain/severity.js';

/** One place an alert's message goes: a platform and its destination (Slack channel id, Teams alias). */
export interface Destination {
  platform: ChatPlatformName;
  destination: string;
}

/** `alerts.routes` and `alerts.defaultRoute` of the config (the config object itself fits). */
export interface Routing {
  routes: readonly AlertRoute[];
  defaultRoute?: RouteDestinations | undefined;
}

export type RoutableAlert = Pick<Alert, 'cluster' | 'check' | 'severity' | 'namespace'> & {
  /** A merged alert's places (one certificate in many namespaces): any of their namespaces matches. */
  finding?: { locations?: readonly { namespace?: string }[] };
};

/**
 * Where an alert goes, Alertmanager-style: routes are tried in order, the first match wins unless it
 * says `continue: true`, and the default route is used only when none matched. Destinations are
 * de-duplicated in order, so a channel named by two matching routes gets one message. An empty
 * result means nowhere to send it (no route matched and no default route): the caller should log it.
 */
export function routeAlert(alert: RoutableAlert, routing: Routing): Destination[] {
  const out: Destination[] = [];
  const seen = new Set<string>();
  const add = (targets: Partial<RouteDestinations>) => {
    for (const platform of chatPlatformNames) {
      for (const destination of targets[platform] ?? []) {
        const key = `${platform}\u0000${destination}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ platform, destination });
      }
    }
  };
  let matched = false;
  for (const route of routing.routes) {
    if (!routeMatches(alert, route.match)) continue;
    matched = true;
    add(route);
    if (!route.continue) break;
  }
  if (!matched && routing.defaultRoute) add(routing.defaultRoute);
  return out;
}

export function routeMatches(alert: RoutableAlert, match: AlertRoute['match']): boolean {
  if (match.cluster !== undefined && !anyGlob(match.cluster, alert.cluster)) return false;
  if (
    match.check !== undefined &&
    !(Array.isArray(match.check) ? match.check : [match.check]).includes(alert.check)
  ) {
    return false;
  }
  if (match.severity !== undefined && !severityMatches(match.severity, alert.severity)) return false;
  if (match.namespace !== undefined) {
    const namespaces =
      alert.namespace !== undefined
        ? [alert.namespace]
        : (alert.finding?.locations ?? []).flatMap((l) => (l.namespace !== undefined ? [l.namespace] : []));
    if (!namespaces.some((ns) => anyGlob(match.namespace as string | readonly string[], ns))) return false;
  }
  return true;
}

/** A single severity is a minimum ("warning" takes warning, unknown and critical); a list is exact. */
function severityMatches(want: Severity | readonly Severity[], actual: Severity): boolean {
  if (Array.isArray(want)) return want.includes(actual);
  return compareSeverity(actual, want as Severity) >= 0;
}

export function anyGlob(patterns: string | readonly string[], value: string): boolean {
  const list: readonly string[] = typeof patterns === 'string' ? [patterns] : patterns;
  return list.some((p) => globToRegExp(p).test(value));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Every destination any route (or the default route) names on one platform, de-duplicated in order. */
export function routedDestinations(routing: Routing, platform: ChatPlatformName): string[] {
  const key = platform as keyof RouteDestinations;
  const all = [...routing.routes, ...(routing.defaultRoute ? [routing.defaultRoute] : [])];
  return [...new Set(all.flatMap((targets: Partial<RouteDestinations>) => targets[key] ?? []))];
}
