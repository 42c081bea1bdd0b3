import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryProbeOptions } from '../../src/probe/registry-probe-options.js';
import { probeRegistry } from '../../src/probe/registry-probe.js';
import type { RegistryCredential } from '../../src/probe/registry-probe-result.js';

/** Probe options with one pull spelled as `image` + `credentials`, as most cases need. */
type ProbeOpts = Partial<Omit<RegistryProbeOptions, 'pulls'>> & {
  image?: { repository: string; reference: string; display: string } | undefined;
  credentials?: RegistryCredential[];
};
import {
  startDistributionRegistry,
  type DistributionRegistry,
} from '../fakes/registry/distribution-registry.js';

/**
 * The probe against the real CNCF distribution registry (Debian's docker-registry 2.8): what a
 * self-hosted registry really answers, not what we believe it answers. The binaries come from PATH or
 * the project's own unpacked copies (src/system/resolve-system-binary.ts); missing ones fail here.
 */

const password = 'Corr3ct-Horse-Battery';
const cred = (pw: string) => ({ origin: 'pull secret shop/regcred', username: 'ci', password: pw });

function probe(r: DistributionRegistry, o: ProbeOpts = {}) {
  const { image, credentials, ...rest } = {
    image: { repository: 'shop/web', reference: '1.4.2', display: 'shop/web:1.4.2' },
    credentials: [] as RegistryCredential[],
    ...o,
  };
  return probeRegistry({
    registry: r.registry,
    host: '127.0.0.1',
    port: r.port,
    plainHttp: true, // the registry serves plain HTTP: configured insecure, as containerd would need
    timeoutMs: 3000,
    pulls: image ? [{ id: 'pull', image, credentials }] : [],
    dockerHub: false,
    ...rest,
  });
}

describe('registry probe against docker-registry (distribution 2.8)', () => {
  let open: DistributionRegistry;
  let locked: DistributionRegistry;
  let openDigest: string;
  let lockedDigest: string;

  beforeAll(async () => {
    [open, locked] = await Promise.all([
      startDistributionRegistry(),
      startDistributionRegistry({ htpasswd: { user: 'ci', password } }),
    ]);
    openDigest = await open.push('shop/web', '1.4.2');
    lockedDigest = await locked.push('shop/web', '1.4.2');
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  it('without auth: /v2/ answers 200 and the pushed manifest is found by digest', async () => {
    const r = await probe(open);
    expect(r.failure).toBeUndefined();
    expect(r.challenge).toBe('none');
    expect(r.manifest).toEqual({ image: 'shop/web:1.4.2', digest: openDigest });
    expect(openDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a tag or repository that was never pushed is MANIFEST_UNKNOWN (2.8 says so for both)', async () => {
    const tag = await probe(open, {
      image: { repository: 'shop/web', reference: '9.9.9', display: 'shop/web:9.9.9' },
    });
    expect(tag.failure).toMatchObject({ stage: 'manifest', kind: 'not-found', httpStatus: 404 });
    expect(tag.failure?.errors).toEqual(['MANIFEST_UNKNOWN: manifest unknown']);
    const repo = await probe(open, {
      image: { repository: 'nope/x', reference: '1', display: 'nope/x:1' },
    });
    expect(repo.failure).toMatchObject({
      kind: 'not-found',
      errors: ['MANIFEST_UNKNOWN: manifest unknown'],
    });
  });

  it('with htpasswd: an anonymous 401 Basic challenge is reachable; the pull needs credentials', async () => {
    const r = await probe(locked);
    expect(r.challenge).toBe('basic');
    expect(r.passed.join('\n')).toMatch(/→ 401 with Basic challenge realm="vigil-test" \(reachable\)/);
    expect(r.failure).toMatchObject({ stage: 'manifest', kind: 'auth-required', httpStatus: 401 });
    expect(r.failure?.errors).toEqual(['UNAUTHORIZED: authentication required']);
  });

  it('with htpasswd: the right pull secret pulls, a wrong one is rejected', async () => {
    const ok = await probe(locked, { credentials: [cred(password)] });
    expect(ok.failure).toBeUndefined();
    expect(ok.manifest).toEqual({
      image: 'shop/web:1.4.2',
      digest: lockedDigest,
      credential: 'pull secret shop/regcred',
    });
    const bad = await probe(locked, { credentials: [cred('rotated-password')] });
    expect(bad.failure).toMatchObject({
      stage: 'token',
      kind: 'auth-rejected',
      httpStatus: 401,
      credential: 'pull secret shop/regcred',
    });
    expect(JSON.stringify(bad)).not.toMatch(/rotated-password|Corr3ct/);
  });

  it('not configured insecure: TLS fails against the plain-HTTP port and no credentials are sent', async () => {
    const r = await probe(locked, { plainHttp: false, credentials: [cred(password)] });
    expect(r.failure).toMatchObject({ stage: 'tls', kind: 'not-tls' });
    expect(r.failure?.detail).toMatch(/plain HTTP, not TLS/);
  });

  it('stopped: connection refused', async () => {
    const short = await startDistributionRegistry();
    await short.stop();
    const r = await probe(short);
    expect(r.failure).toMatchObject({ stage: 'tcp', kind: 'refused' });
  });
});
