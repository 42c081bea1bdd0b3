import { describe, expect, it } from 'vitest';
import type { RegistryUsage } from '../../../src/checks/registries/discover-registries.js';
import {
  credentialProviderOf,
  type RegistryEndpoint,
} from '../../../src/checks/registries/registry-endpoint.js';
import type { CredentialChoice } from '../../../src/checks/registries/pull-credentials.js';
import {
  registryFinding,
  type ProbedPull,
  type RegistryFindingInput,
} from '../../../src/checks/registries/registry-finding.js';
import type { RegistryFailure, RegistryProbeResult } from '../../../src/probe/registry-probe-result.js';

const now = new Date('2026-11-21T12:00:00Z');
const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function usage(registry: string, failing = 0, workloads = 2): RegistryUsage {
  return {
    registry,
    fromConfig: false,
    workloads: new Map(
      Array.from({ length: workloads }, (_, i) => [`deployment app/w${i}`, new Set([`${registry}/app:1`])]),
    ),
    images: new Map(),
    failingPods: Array.from({ length: failing }, (_, i) => ({
      pod: `app/w0-abc-${i}`,
      workload: 'deployment app/w0',
      image: `${registry}/app:1`,
      reason: 'ImagePullBackOff',
      since: `2026-11-21T11:${String(10 + i).padStart(2, '0')}:00.000Z`,
    })),
  };
}

function input(
  registry: string,
  failure: RegistryFailure | undefined,
  extra: Partial<RegistryFindingInput> & { credentials?: CredentialChoice } = {},
): RegistryFindingInput {
  const { credentials, ...rest } = extra;
  const u = rest.usage ?? usage(registry);
  const image = `${registry}/app:1`;
  const pullFailed = failure && (failure.stage === 'token' || failure.stage === 'manifest');
  const probe: RegistryProbeResult = {
    registry,
    endpoint: `https://${registry}:443`,
    passed: ['DNS: ok'],
    notes: [],
    ms: 5,
    pulls:
      failure && !pullFailed
        ? []
        : [
            {
              id: 'p',
              image,
              passed: pullFailed ? [] : [`HEAD ${image} → 200`],
              notes: [],
              ...(failure ? { failure } : {}),
            },
          ],
    ...(failure ? { failure } : { manifest: { image, digest: `sha256:${'b'.repeat(64)}` } }),
  };
  const provider = credentialProviderOf(registry);
  const endpoint: RegistryEndpoint = {
    host: registry,
    port: 443,
    plainHttp: false,
    dockerHub: false,
    ...(provider ? { credentialProvider: provider } : {}),
  };
  const pulls: ProbedPull[] = [
    {
      id: 'p',
      image,
      probedAs: 'deployment app/w0',
      workloads: [...u.workloads.keys()],
      ...(credentials ? { credentials } : {}),
    },
  ];
  return { cluster: 'prod', usage: u, endpoint, probe, pulls, now, limit: 8, ...rest };
}

const dns: RegistryFailure = {
  stage: 'dns',
  kind: 'dns',
  detail: 'DNS: reg.example.com: DNS lookup failed (ENOTFOUND)',
};
const anonymousDenied: RegistryFailure = {
  stage: 'manifest',
  kind: 'auth-required',
  detail: 'HEAD … → 401',
  httpStatus: 401,
};

describe('registryFinding severity', () => {
  it('ok when every stage passed, with the same fingerprint as when failing', () => {
    const ok = registryFinding(input('reg.example.com', undefined));
    const bad = registryFinding(input('reg.example.com', dns));
    expect(ok.severity).toBe('ok');
    expect(ok.nextStep).toBeUndefined();
    expect(bad.fingerprint).toBe(ok.fingerprint);
  });

  it('warning while only future pulls are at risk, critical once pods fail to pull', () => {
    expect(registryFinding(input('reg.example.com', dns)).severity).toBe('warning');
    const critical = registryFinding(input('reg.example.com', dns, { usage: usage('reg.example.com', 4) }));
    expect(critical.severity).toBe('critical');
    // Oldest failing pod first; "since" is the oldest; the list of pods is capped.
    expect(critical.summary).toMatch(
      /4 pods failing to pull since 2026-11-21T11:10Z \(50 minutes ago\); 2 workloads pull from it$/,
    );
    expect(critical.evidence?.join('\n')).toMatch(/and 1 more pod failing to pull/);
  });

  it('credential-provider registries (ECR): anonymous denial is no verdict, ok with a note unless pods fail', () => {
    const f = registryFinding(
      input(ecr, anonymousDenied, { credentials: { credentials: [], notes: [], secretNames: [] } }),
    );
    expect(f.severity).toBe('ok');
    expect(f.summary).toMatch(/credentials may come from a kubelet credential provider \(Amazon ECR\)/);
    expect(f.summary).not.toMatch(/auth|reject/i);
    const failing = registryFinding(
      input(ecr, anonymousDenied, {
        usage: usage(ecr, 1),
        credentials: { credentials: [], notes: [], secretNames: [] },
      }),
    );
    expect(failing.severity).toBe('critical');
    expect(failing.nextStep).toMatch(/kubelet credential provider for Amazon ECR/);
  });

  it('an anonymous denial elsewhere is an auth problem with a pull-secret next step', () => {
    const f = registryFinding(input('reg.example.com', anonymousDenied));
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(
      /refuses anonymous pulls of reg\.example\.com\/app:1 and no pull secret matches/,
    );
    expect(f.nextStep).toMatch(/kubernetes\.io\/dockerconfigjson pull secret/);
  });

  it('healthy from vigil yet pods failing: warning that points at the nodes', () => {
    const f = registryFinding(input('reg.example.com', undefined, { usage: usage('reg.example.com', 1) }));
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(/yet 1 pod fails to pull from it/);
    expect(f.nextStep).toMatch(/crictl pull/);
  });

  it('recognises the credential-provider registries', () => {
    expect(credentialProviderOf(ecr)).toBe('Amazon ECR');
    expect(credentialProviderOf('myacr.azurecr.io')).toBe('Azure Container Registry');
    expect(credentialProviderOf('europe-west1-docker.pkg.dev')).toBe('Google Artifact Registry');
    expect(credentialProviderOf('ghcr.io')).toBeUndefined();
  });

  it('a Docker Hub HEAD that answers with ratelimit-remaining 0 warns: real pulls would get 429', () => {
    const i = input('docker.io', undefined);
    i.probe.rateLimitRemaining = '0;w=21600';
    const f = registryFinding(i);
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(/pull rate limit is used up \(ratelimit-remaining 0;w=21600\)/);
    expect(f.nextStep).toMatch(/pull secret .* pull-through cache/);
    i.probe.rateLimitRemaining = '76;w=21600';
    expect(registryFinding(i).severity).toBe('ok');
  });

  it('lists workloads already failing first in the blast radius', () => {
    const u = usage('reg.example.com', 1, 3);
    u.failingPods[0]!.workload = 'deployment app/w2';
    const f = registryFinding(input('reg.example.com', dns, { usage: u }));
    expect(f.evidence?.join('\n')).toMatch(
      /would fail on their next pull: deployment app\/w2, deployment app\/w0, deployment app\/w1/,
    );
  });

  it('judges each credential set apart: one stale pull secret fails only its workloads', () => {
    const u = usage('reg.example.com', 0, 3);
    const i = input('reg.example.com', undefined, { usage: u });
    const rejected: RegistryFailure = {
      stage: 'token',
      kind: 'auth-rejected',
      detail: 'GET https://reg.example.com/v2/ (pull secret app/old) → 401',
      credential: 'pull secret app/old',
    };
    i.pulls = [
      { id: 'ok', image: 'reg.example.com/app:1', workloads: ['deployment app/w0', 'deployment app/w1'] },
      {
        id: 'old',
        image: 'reg.example.com/app:1',
        probedAs: 'deployment app/w2',
        workloads: ['deployment app/w2'],
      },
    ];
    i.probe.pulls = [
      { id: 'ok', image: 'reg.example.com/app:1', passed: ['HEAD … → 200'], notes: [] },
      { id: 'old', image: 'reg.example.com/app:1', passed: [], notes: [], failure: rejected },
    ];
    i.probe.failure = rejected;
    const f = registryFinding(i);
    expect(f.severity).toBe('warning');
    expect(f.summary).toBe(
      'registry reg.example.com rejects the credentials of pull secret app/old for deployment app/w2; 1 of 3 workloads would fail on the next pull',
    );
    expect(f.evidence).toContain('would fail on their next pull: deployment app/w2');
    expect(f.evidence?.join('\n')).toMatch(/failed at GET .*→ 401 \(deployment app\/w2\)/);
  });
});
