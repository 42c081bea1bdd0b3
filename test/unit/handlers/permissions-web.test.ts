import { describe, expect, it } from 'vitest';
import { commandHint } from '../../../handlers/command-hint.js';
import {
  mayChangeAlert,
  mayQuery,
  permissionGroupIds,
  type Requester,
} from '../../../handlers/permissions.js';
import { makeConfig } from './handler-fixtures.js';

const web: Requester = {
  platform: 'web',
  user: { kind: 'web', id: 'web:U0MARIA', name: 'U0MARIA' },
  channel: 'browser',
};

/** The web chat's names are typed by whoever opens the page: no permission list can name one. */
describe('permissions for the web chat', () => {
  it('with nothing configured, web users may acknowledge, snooze and query, like everyone', () => {
    const perms = makeConfig().permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', web)).toEqual({ allowed: true });
    expect(mayQuery(perms, 'prod', web)).toEqual({ allowed: true });
  });

  it('a configured list refuses every web user, even one who types a listed id as their name', () => {
    const perms = makeConfig({ acknowledge: { slack: { users: ['U0MARIA'], groups: [] } } }).permissions;
    const decision = mayChangeAlert(perms, 'acknowledge', 'prod', web);
    expect(decision.allowed).toBe(false);
    expect(mayChangeAlert(perms, 'snooze', 'prod', web).allowed).toBe(false);
    expect(permissionGroupIds(perms, 'web')).toEqual([]);
  });

  it('a restricted cluster never answers in the web chat, and says where to ask instead', () => {
    const perms = makeConfig({ clusters: { prod: { channels: { slack: ['C0OPS'] } } } }).permissions;
    const decision = mayQuery(perms, 'prod', web);
    expect(decision).toMatchObject({
      allowed: false,
      grant: "Ask in one of prod's Slack or Teams channels.",
    });
    expect(mayQuery(perms, 'staging', web)).toEqual({ allowed: true });
  });

  it('commands are written without a prefix in the web chat', () => {
    expect(commandHint('web', 'certs', 'prod')).toBe('certs prod');
    expect(commandHint('slack', 'certs', 'prod')).toBe('/k8s certs prod');
    expect(commandHint('teams', 'certs')).toBe('@vigil certs');
  });
});
