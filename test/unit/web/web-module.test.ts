import { describe, expect, it } from 'vitest';
import { commandHint } from '../../../handlers/command-hint.js';
import {
  mayChangeAlert,
  mayQuery,
  permissionGroupIds,
  type Requester,
} from '../../../handlers/permissions.js';
import { routeAlert, routedDestinations } from '../../../src/alerts/route-alert.js';
import { chatPlatformModule, readChatPlatformSettings } from '../../../src/chat/platforms.js';
import { alertsConfigSchema } from '../../../src/config/alerts-config.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { outboxConfigSchema } from '../../../src/config/schedules-config.js';
import { ConfigError } from '../../../src/domain/config-error.js';
import { makeConfig } from '../handlers/handler-fixtures.js';

const web: Requester = {
  platform: 'web',
  user: { kind: 'web', id: 'web:U0MARIA', name: 'U0MARIA' },
  channel: 'browser',
};

/** The web chat as one entry of the platform list (src/chat/web/web-module.ts): everything else follows. */
describe('the web chat module', () => {
  it('is turned on by VIGIL_WEB or its token, and read with the other platforms', () => {
    expect(readChatPlatformSettings({ VIGIL_WEB: '1' })).toEqual({ web: {} });
    expect(readChatPlatformSettings({ VIGIL_WEB: '0' })).toEqual({});
    const token = 'a'.repeat(32);
    expect(readChatPlatformSettings({ VIGIL_WEB_TOKEN: token })).toEqual({ web: { token } });
    expect(() => readChatPlatformSettings({ VIGIL_WEB: 'maybe' })).toThrow(ConfigError);
  });

  it('takes commands without a prefix', () => {
    expect(chatPlatformModule('web').commandPrefix).toBe('');
    expect(commandHint('web', 'certs', undefined, 'prod')).toBe('certs prod');
    expect(commandHint('slack', 'certs', 'prod')).toBe('/k8s certs prod');
  });

  it('routes alerts to rooms, alone or beside Slack and Teams; the rooms are every web destination once', () => {
    const routing = alertsConfigSchema.parse({
      routes: [
        { match: { namespace: 'db' }, web: ['db-team'], slack: ['C0DB'] },
        { match: { cluster: 'edge' }, web: ['db-team', 'edge'] },
      ],
      defaultRoute: { web: ['alerts'] },
    });
    const alert = { cluster: 'prod', check: 'statefulsets', severity: 'critical' } as const;
    expect(routeAlert({ ...alert, namespace: 'db' }, routing)).toEqual([
      { platform: 'slack', destination: 'C0DB' },
      { platform: 'web', destination: 'db-team' },
    ]);
    expect(routeAlert({ ...alert, namespace: 'shop' }, routing)).toEqual([
      { platform: 'web', destination: 'alerts' },
    ]);
    expect(routedDestinations(routing, 'web')).toEqual(['db-team', 'edge', 'alerts']);
    expect(routedDestinations(routing, 'teams')).toEqual([]);
  });

  it('a room is a lower-case name; a route without any destination names the web example too', () => {
    const result = alertsConfigSchema.safeParse({ defaultRoute: { web: ['Alerts Room'] } });
    expect(JSON.stringify(result.error?.issues)).toMatch(/web chat room name/);
    const empty = alertsConfigSchema.safeParse({ routes: [{ match: {} }] });
    expect(JSON.stringify(empty.error?.issues)).toMatch(/web: \[alerts\]/);
  });

  it('paces nothing: delivery is in-process', () => {
    expect(outboxConfigSchema.parse(undefined).minIntervalMs).toMatchObject({ slack: 1000, web: 0 });
  });

  it('no permission list can name a web user, group or channel', () => {
    let error: unknown;
    try {
      parseConfig(
        {
          clusters: [{ name: 'prod', inCluster: true }],
          permissions: {
            acknowledge: { web: { users: ['Maria'], groups: ['oncall'] } },
            clusters: { prod: { channels: { web: ['browser'] } } },
          },
        },
        'vigil.yaml',
        '/',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.key)).toEqual(
      expect.arrayContaining([
        'permissions.acknowledge.web.users[0]',
        'permissions.acknowledge.web.groups[0]',
        'permissions.clusters.prod.channels.web[0]',
      ]),
    );
    expect(problems[0]?.message).toMatch(/web chat does not know who is asking/);
  });
});

/** The web chat's names are typed by whoever opens the page: no permission list can name one. */
describe('permissions for the web chat', () => {
  it('with nothing configured, web users may acknowledge, snooze and query, like everyone', () => {
    const perms = makeConfig().permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', web)).toEqual({ allowed: true });
    expect(mayQuery(perms, 'prod', web)).toEqual({ allowed: true });
  });

  it('a configured list refuses every web user, even one who types a listed id as their name', () => {
    const perms = makeConfig({ acknowledge: { slack: { users: ['U0MARIA'], groups: [] } } }).permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', web)).toEqual({
      allowed: false,
      reason:
        'only the people listed in permissions.acknowledge may acknowledge prod alerts, and web cannot be listed (vigil cannot tell who asks there)',
      grant:
        'Ask one of the people listed in permissions.acknowledge to acknowledge it where vigil knows who they are.',
    });
    expect(mayChangeAlert(perms, 'snooze', 'prod', web).allowed).toBe(false);
    expect(permissionGroupIds(perms, 'web')).toEqual([]);
  });

  it('a restricted cluster never answers in the web chat, and says where to ask instead', () => {
    const perms = makeConfig({ clusters: { prod: { channels: { slack: ['C0OPS'] } } } }).permissions;
    expect(mayQuery(perms, 'prod', web)).toMatchObject({
      allowed: false,
      grant: 'Ask in one of the channels permissions.clusters.prod.channels lists.',
    });
    expect(mayQuery(perms, 'staging', web)).toEqual({ allowed: true });
  });
});
