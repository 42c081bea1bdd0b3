import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../../src/probe/registry-challenge.js';
import { registryErrors } from '../../../src/probe/registry-http.js';

describe('parseChallenge', () => {
  it('reads the Docker Hub, GHCR and ACR Bearer challenges', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"'),
    ).toEqual({ scheme: 'bearer', realm: 'https://auth.docker.io/token', service: 'registry.docker.io' });
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      ),
    ).toMatchObject({ scope: 'repository:user/image:pull' });
    expect(parseChallenge('bearer realm=https://x.azurecr.io/oauth2/token, service=x.azurecr.io')).toEqual({
      scheme: 'bearer',
      realm: 'https://x.azurecr.io/oauth2/token',
      service: 'x.azurecr.io',
    });
  });

  it('reads Basic (distribution htpasswd, ECR) and skips unusable Bearer challenges', () => {
    expect(parseChallenge('Basic realm="vigil-test"')).toEqual({ scheme: 'basic', realm: 'vigil-test' });
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge('Bearer realm="/relative/token"')).toBeUndefined();
    expect(parseChallenge('Bearer realm="ftp://x/token"')).toBeUndefined();
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge(['Negotiate', 'Basic realm="r"'])).toEqual({ scheme: 'basic', realm: 'r' });
  });
});

describe('registryErrors', () => {
  it('quotes code and message of the distribution error body', () => {
    expect(
      registryErrors(
        '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"1"}}]}',
      ),
    ).toEqual(['MANIFEST_UNKNOWN: manifest unknown']);
    expect(registryErrors('{"details":"incorrect username or password"}')).toEqual([
      'incorrect username or password',
    ]);
    expect(registryErrors('<html>502 Bad Gateway</html>')).toEqual([]);
  });
});
