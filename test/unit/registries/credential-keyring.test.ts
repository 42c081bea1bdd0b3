import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CredentialKeyring,
  makeCredential,
  parseDockerConfig,
  urlsMatch,
} from '../../../src/checks/registries/credential-keyring.js';

/** Cases from kubernetes pkg/credentialprovider keyring_test.go (URLsMatch, Lookup). */
describe('urlsMatch (kubelet host-glob, port and path-prefix rules)', () => {
  it.each([
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io', 'kubernetes.io', false], // one label per `*`
    ['*.kubernetes.io', 'a.b.kubernetes.io', false],
    ['*.*.kubernetes.io', 'a.b.kubernetes.io', true],
    ['kubernetes.io:8080', 'kubernetes.io:8080/app', true],
    ['kubernetes.io:8080', 'kubernetes.io/app', false], // ports must be equal
    ['kubernetes.io', 'kubernetes.io:8080/app', false],
    ['kubernetes.io:443', 'kubernetes.io/app', false], // "443" is not "" for the kubelet
    ['gcr.io/foo', 'gcr.io/foo/bar', true],
    ['gcr.io/foo', 'gcr.io/bar/baz', false],
    ['gcr.io/foo', 'gcr.io/foobar/baz', true], // a plain string prefix, quirk included
    ['[::1]:5000', '[::1]:5000/x', true],
    ['[ab]eta.io', 'beta.io/x', true],
  ])('%s matches %s: %s', (glob, target, expected) => {
    expect(urlsMatch(glob, target)).toBe(expected);
  });
});

describe('CredentialKeyring', () => {
  const cred = (origin: string) => makeCredential(origin, 'user', 'pw');

  it('strips schemes and /v1/ /v2/ paths, and matches more specific paths first', () => {
    const k = new CredentialKeyring();
    k.add('https://quay.io/v2/', cred('host'));
    k.add('quay.io/coreos', cred('path'));
    expect(k.lookup('quay.io/coreos/etcd').map((c) => c.origin)).toEqual(['path', 'host']);
    expect(k.lookup('quay.io/other/x').map((c) => c.origin)).toEqual(['host']);
  });

  it('uses index.docker.io credentials for Docker Hub images', () => {
    const k = new CredentialKeyring();
    k.add('https://index.docker.io/v1/', cred('hub'));
    expect(k.lookup('docker.io/library/nginx').map((c) => c.origin)).toEqual(['hub']);
    expect(k.lookup('ghcr.io/org/app')).toEqual([]);
  });

  it('never shows the username or password when printed, logged or serialised', () => {
    const c = makeCredential('pull secret shop/regcred', 'robot$ci', 'hunter2-secret', 'myreg.io');
    expect(c.password).toBe('hunter2-secret');
    const shown = `${JSON.stringify(c)} ${inspect(c)} ${JSON.stringify({ c })}`;
    expect(shown).toContain('pull secret shop/regcred');
    expect(shown).not.toMatch(/hunter2|robot/);
  });
});

describe('parseDockerConfig', () => {
  it('reads username/password and the base64 auth field', () => {
    const text = JSON.stringify({
      auths: {
        'a.io': { username: 'u', password: 'p' },
        'b.io': { auth: Buffer.from('bob:pa:ss').toString('base64') },
      },
    });
    expect(parseDockerConfig(text, false)).toEqual({
      ok: true,
      entries: [
        { key: 'a.io', username: 'u', password: 'p' },
        { key: 'b.io', username: 'bob', password: 'pa:ss' },
      ],
    });
  });

  it('reads the legacy .dockercfg map and reports broken data without quoting it', () => {
    expect(
      parseDockerConfig(JSON.stringify({ 'a.io': { username: 'u', password: 'p' } }), true),
    ).toMatchObject({
      ok: true,
    });
    const bad = parseDockerConfig('{"auths": "s3cret-not-an-object"}', false);
    expect(bad).toEqual({ ok: false, error: 'no "auths" object' });
    expect(parseDockerConfig('s3cret{', false)).toEqual({ ok: false, error: 'not valid JSON' });
  });
});
