import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryRequest } from '../../src/probe/registry-http.js';
import type { RegistryProbeOptions } from '../../src/probe/registry-probe-options.js';
import { probeRegistry } from '../../src/probe/registry-probe.js';
import type { RegistryCredential } from '../../src/probe/registry-probe-result.js';

/** Probe options with one pull spelled as `image` + `credentials`, as most cases need. */
type ProbeOpts = Partial<Omit<RegistryProbeOptions, 'pulls'>> & {
  image?: { repository: string; reference: string; display: string } | undefined;
  credentials?: RegistryCredential[];
};
import {
  digestOf,
  sampleManifest,
  startFakeRegistry,
  type FakeRegistry,
  type FakeRegistryOptions,
} from '../../src/simulator/fake-registry.js';
import { closedPort, startSilentServer } from '../fakes/registry/silent-server.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';

/**
 * The probe stage by stage against real loopback servers: the fake registry for the token flow and
 * failure modes, silent and closed ports, certificates from the cert factory, and `.invalid` DNS.
 */
const now = new Date();
const ca = issueCa('test-registry-ca', now);
const good = issueLeaf('registry.test', now, 90, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
const expired = issueLeaf('registry.test', now, -2, { issuer: ca, sans: ['127.0.0.1'] });
const wrongName = issueLeaf('other.example', now, 90, { issuer: ca, sans: ['other.example'] });
const manifest = sampleManifest('shop/web');
const secret = 'hunter2-Pa55word';
const tls = (c: { chainPem: string; keyPem: string }) => ({ certPem: c.chainPem, keyPem: c.keyPem });

const started: { stop(): Promise<void> }[] = [];
async function registry(opts: FakeRegistryOptions): Promise<FakeRegistry> {
  const r = await startFakeRegistry(opts);
  started.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

function probe(r: { port: number; registry?: string }, o: ProbeOpts = {}) {
  const { image, credentials, ...rest } = {
    image: { repository: 'shop/web', reference: '1.4.2', display: 'shop/web:1.4.2' },
    credentials: [] as RegistryCredential[],
    ...o,
  };
  return probeRegistry({
    registry: r.registry ?? `127.0.0.1:${r.port}`,
    host: '127.0.0.1',
    port: r.port,
    plainHttp: false,
    caPem: ca.certPem,
    timeoutMs: 3000,
    pulls: image ? [{ id: 'pull', image, credentials }] : [],
    dockerHub: false,
    ...rest,
  });
}
const cred = (password: string, origin = 'pull secret shop/regcred') => ({
  origin,
  username: 'ci',
  password,
});

describe('registry probe: token flow and credentials', () => {
  let bearer: FakeRegistry;
  beforeAll(async () => {
    bearer = await registry({
      tls: tls(good),
      auth: { scheme: 'bearer', users: { ci: secret } },
      manifests: { 'shop/web:1.4.2': manifest },
    });
  });

  it('passes every stage with the pull secret: anonymous 401 challenge, token, manifest HEAD', async () => {
    const r = await probe(bearer, { credentials: [cred(secret)] });
    expect(r.failure).toBeUndefined();
    expect(r.challenge).toBe('bearer');
    expect(r.manifest).toEqual({
      image: 'shop/web:1.4.2',
      digest: digestOf(manifest),
      credential: 'pull secret shop/regcred',
    });
    expect([...r.passed, ...(r.pulls[0]?.passed ?? [])].map((p) => p.split(':')[0])).toEqual([
      'DNS',
      'TCP',
      'TLS',
      'GET https',
      'GET https',
      'HEAD https',
    ]);
    expect(r.passed.join('\n')).toMatch(/→ 401 with Bearer challenge .* \(reachable\)/);
    // The token request carried Basic credentials, the manifest HEAD only the token.
    const token = bearer.requests.find((q) => q.path.startsWith('/token'));
    expect(token?.authorization).toBe(`Basic ${Buffer.from(`ci:${secret}`).toString('base64')}`);
    expect(token?.path).toContain('scope=repository%3Ashop%2Fweb%3Apull');
    expect(bearer.requests.find((q) => q.method === 'HEAD')?.authorization).toMatch(/^Bearer [0-9a-f]{32}$/);
    expect(JSON.stringify(r)).not.toContain(secret);
  });

  it('reports rejected credentials at the token endpoint with the service answer', async () => {
    const r = await probe(bearer, { credentials: [cred('rotated-last-week')] });
    expect(r.failure).toMatchObject({
      stage: 'token',
      kind: 'auth-rejected',
      httpStatus: 401,
      credential: 'pull secret shop/regcred',
    });
    expect(r.failure?.detail).toMatch(
      /scope repository:shop\/web:pull, pull secret shop\/regcred\) → 401 incorrect username or password/,
    );
    expect(JSON.stringify(r)).not.toContain('rotated-last-week');
  });

  it('tries each matching credential in turn like the kubelet, without an anonymous fallback', async () => {
    const ok = await probe(bearer, {
      credentials: [cred('wrong', 'pull secret a/old'), cred(secret, 'pull secret a/new')],
    });
    expect(ok.failure).toBeUndefined();
    expect(ok.manifest?.credential).toBe('pull secret a/new');
    expect(ok.pulls[0]?.notes.join('\n')).toMatch(/tried first: .*pull secret a\/old\) → 401/);
  });

  it('calls an anonymous pull that needs credentials "auth-required", the registry itself reachable', async () => {
    const r = await probe(bearer);
    expect(r.passed.join('\n')).toMatch(/\(reachable\)/);
    expect(r.failure).toMatchObject({ stage: 'manifest', kind: 'auth-required', httpStatus: 401 });
    expect(r.failure?.errors).toEqual(['UNAUTHORIZED: authentication required']);
  });

  it('names a missing tag with the registry error code (GET after HEAD off Docker Hub)', async () => {
    const r = await probe(bearer, {
      credentials: [cred(secret)],
      image: { repository: 'shop/web', reference: '9.9.9', display: 'shop/web:9.9.9' },
    });
    expect(r.failure).toMatchObject({
      stage: 'manifest',
      kind: 'not-found',
      httpStatus: 404,
      errors: ['MANIFEST_UNKNOWN: manifest unknown'],
    });
  });

  it('stops after GET /v2/ when no image is in use', async () => {
    const r = await probe(bearer, { image: undefined });
    expect(r.failure).toBeUndefined();
    expect(r.manifestSkipped).toMatch(/no image in use/);
  });
});

describe('registry probe: failure classification', () => {
  it('rate limited: HEAD only on Docker Hub, reports ratelimit-remaining', async () => {
    const hub = await registry({
      tls: tls(good),
      manifest: {
        status: 429,
        headers: {
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '0;w=21600',
          'retry-after': '3600',
        },
        body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}',
      },
    });
    const r = await probe(hub, { dockerHub: true });
    expect(r.failure).toMatchObject({ stage: 'manifest', kind: 'rate-limited', httpStatus: 429 });
    expect(r.failure?.detail).toMatch(
      /ratelimit-remaining 0;w=21600, ratelimit-limit 100;w=21600, retry-after 3600/,
    );
    expect(r.rateLimitRemaining).toBe('0;w=21600');
    const manifestRequests = hub.requests.filter((q) => q.path.includes('/manifests/'));
    expect(manifestRequests.map((q) => q.method)).toEqual(['HEAD']);
  });

  it('records ratelimit-remaining on a healthy Docker Hub HEAD', async () => {
    const hub = await registry({
      tls: tls(good),
      manifests: { 'shop/web:1.4.2': manifest },
      manifestHeaders: { 'ratelimit-remaining': '76;w=21600' },
    });
    const r = await probe(hub, { dockerHub: true });
    expect(r.failure).toBeUndefined();
    expect(r.rateLimitRemaining).toBe('76;w=21600');
    expect(hub.requests.filter((q) => q.path.includes('/manifests/')).map((q) => q.method)).toEqual(['HEAD']);
  });

  it.each([
    [
      500,
      'server-error',
      '{"errors":[{"code":"UNKNOWN","message":"storage backend unavailable"}]}',
      /500 UNKNOWN: storage backend unavailable/,
    ],
    [
      403,
      'forbidden',
      '{"errors":[{"code":"DENIED","message":"subscription disabled"}]}',
      /403 DENIED: subscription disabled/,
    ],
    [404, 'not-a-registry', 'not found', /→ 404/],
  ])('GET /v2/ answering %i is %s', async (status, kind, body, detail) => {
    const r = await probe(await registry({ tls: tls(good), v2: { status, body } }));
    expect(r.failure).toMatchObject({ stage: 'v2', kind, httpStatus: status });
    expect(r.failure?.detail).toMatch(detail);
  });

  it('classifies a 401 without a challenge as a broken challenge', async () => {
    const r = await probe(await registry({ tls: tls(good), v2: { status: 401 } }));
    expect(r.failure).toMatchObject({ stage: 'v2', kind: 'bad-challenge' });
  });

  it('slow server: times out within the probe budget', async () => {
    const slow = await registry({ tls: tls(good), delayMs: 5000 });
    const t0 = Date.now();
    const r = await probe(slow, { timeoutMs: 500 });
    expect(r.failure).toMatchObject({ stage: 'v2', kind: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('silent server: the TLS handshake times out, and plain HTTP times out at /v2/', async () => {
    const silent = await startSilentServer();
    started.push(silent);
    const t0 = Date.now();
    const tlsResult = await probe(silent, { timeoutMs: 400 });
    expect(tlsResult.failure).toMatchObject({ stage: 'tls', kind: 'timeout' });
    const httpResult = await probe(silent, { timeoutMs: 400, plainHttp: true });
    expect(httpResult.failure).toMatchObject({ stage: 'v2', kind: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refused: nothing listens', async () => {
    const r = await probe({ port: await closedPort() });
    expect(r.failure).toMatchObject({ stage: 'tcp', kind: 'refused' });
    expect(r.failure?.detail).toMatch(/connection refused \(ECONNREFUSED\)/);
  });

  it('DNS: a name under .invalid does not resolve', async () => {
    const r = await probe(
      { port: 443, registry: 'registry.vigil-test.invalid' },
      { host: 'registry.vigil-test.invalid' },
    );
    expect(r.failure).toMatchObject({ stage: 'dns', kind: 'dns' });
    expect(r.failure?.detail).toMatch(
      /DNS: registry\.vigil-test\.invalid: DNS lookup failed \((ENOTFOUND|EAI_AGAIN)\)/,
    );
  });

  it('TLS: expired, untrusted and wrong-name certificates, the chain still read', async () => {
    const exp = await probe(await registry({ tls: tls(expired) }));
    expect(exp.failure).toMatchObject({ stage: 'tls', kind: 'tls-expired' });
    expect(exp.failure?.detail).toMatch(
      /certificate CN=registry\.test, valid until .* failed verification \(CERT_HAS_EXPIRED\)/,
    );
    expect(exp.tls?.chain[0]?.subject).toBe('CN=registry.test');

    const untrusted = await probe(await registry({ tls: tls(good) }), { caPem: undefined });
    expect(untrusted.failure).toMatchObject({ stage: 'tls', kind: 'tls-untrusted' });
    expect(untrusted.failure?.detail).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
    );

    const wrong = await probe(await registry({ tls: tls(wrongName) }));
    expect(wrong.failure).toMatchObject({ stage: 'tls', kind: 'tls-wrong-name' });
    expect(wrong.failure?.detail).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
  });
});

describe('registry probe: where credentials may go', () => {
  it('never sends credentials over plain HTTP unless the registry is configured insecure', async () => {
    const plain = await registry({
      auth: { scheme: 'basic', users: { ci: secret } },
      manifests: { 'shop/web:1.4.2': manifest },
    });
    const strict = await probe(plain, { credentials: [cred(secret)] });
    expect(strict.failure).toMatchObject({ stage: 'tls', kind: 'not-tls' });
    expect(plain.requests.some((q) => q.authorization)).toBe(false);

    const insecure = await probe(plain, { credentials: [cred(secret)], plainHttp: true, caPem: undefined });
    expect(insecure.failure).toBeUndefined();
    expect(insecure.endpoint).toMatch(/^http:\/\//);
    expect(plain.requests.some((q) => q.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('refuses to send credentials to a plain-HTTP token realm of a TLS registry', async () => {
    const realm = await registry({});
    const reg = await registry({
      tls: tls(good),
      auth: { scheme: 'bearer', users: { ci: secret } },
      realm: `${realm.url}/token`,
    });
    const r = await probe(reg, { credentials: [cred(secret)] });
    expect(r.failure).toMatchObject({ stage: 'token', kind: 'insecure-realm' });
    expect(realm.requests).toEqual([]);
  });

  it('never forwards Authorization to another host on redirect', async () => {
    const storage = await registry({ manifests: { 'shop/web:1.4.2': manifest } });
    const reg = await registry({
      tls: tls(good),
      auth: { scheme: 'basic', users: { ci: secret } },
      redirectManifestsTo: storage.url,
    });
    const r = await probe(reg, { credentials: [cred(secret)] });
    expect(r.failure).toBeUndefined();
    expect(r.manifest?.digest).toBe(digestOf(manifest));
    expect(reg.requests.find((q) => q.method === 'HEAD')?.authorization).toMatch(/^Basic /);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.authorization).toBeUndefined();
    expect(r.notes.join('\n')).toMatch(
      /credentials not forwarded to http:\/\/127\.0\.0\.1:\d+ \(redirect from https:\/\/127\.0\.0\.1:\d+\)/,
    );
  });

  it('withholds Authorization from plain HTTP at the transport too (defence in depth)', async () => {
    const plain = await registry({});
    const res = await registryRequest({
      url: `${plain.url}/v2/`,
      method: 'GET',
      authorization: 'Basic c2VjcmV0',
      allowPlainHttpAuth: false,
      deadline: Date.now() + 2000,
    });
    expect(res.status).toBe(200);
    expect(plain.requests[0]?.authorization).toBeUndefined();
    expect(res.authorizationWithheld).toMatch(/not sent over plain HTTP/);
  });
});
