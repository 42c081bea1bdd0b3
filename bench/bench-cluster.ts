import type { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf, type IssuedCert } from '../src/simulator/cert-factory.js';

/** The benchmark's cluster: TLS and Opaque Secrets shaped like cert-manager's, seeded into the fake. */

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const TLS_TYPE = 'kubernetes.io/tls';

export interface Chain {
  tlsCrt: string;
  tlsKey: string;
  caCrt: string;
}

/**
 * A handful of distinct leaf + intermediate chains (about 2.5 KB of PEM each) reused across all
 * Secrets, as many Secrets share one wildcard certificate in real clusters. A few are expiring or
 * expired so that every severity shows up in the findings.
 */
export function chains(now: Date): {
  chains: Chain[];
  daysLeft: number[];
  serving: IssuedCert;
  ca: IssuedCert;
} {
  const root = issueCa('Bench Root CA', now, { ageDays: 400 });
  const intermediate = issueCa('Bench Issuing CA R1', now, {
    ageDays: 200,
    lifetimeDays: 1825,
    issuer: root,
  });
  const daysLeft = [340, 250, 180, 120, 75, 45, 20, 9, 3, -4];
  const out = daysLeft.map((d, i) => {
    const host = `svc-${i}.apps.bench.example.com`;
    const leaf = issueLeaf(host, now, d, {
      issuer: intermediate,
      sans: [host, `*.svc-${i}.apps.bench.example.com`, `svc-${i}.internal.bench.example.com`, `svc-${i}`],
      lifetimeDays: 397,
    });
    return { tlsCrt: leaf.certPem + intermediate.certPem, tlsKey: leaf.keyPem, caCrt: root.certPem };
  });
  const serving = issueLeaf('kube-apiserver', now, 300, { issuer: root, sans: ['localhost', '127.0.0.1'] });
  return { chains: out, daysLeft, serving, ca: root };
}

/** A chain's Secret data as the API serves it, encoded once and shared by every Secret that uses it. */
interface EncodedChain {
  tlsCrt: string;
  tlsKey: string;
}

function tlsSecret(ns: string, name: string, chain: EncodedChain): Record<string, unknown> {
  const created = '2025-01-15T10:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TLS_TYPE,
    metadata: {
      namespace: ns,
      name,
      labels: {
        'app.kubernetes.io/name': name.replace(/-tls$/, ''),
        'controller.cert-manager.io/fao': 'true',
      },
      // What cert-manager writes: clients must download and skip all of it.
      annotations: {
        'cert-manager.io/alt-names': `${name}.${ns}.svc,${name}.${ns}.svc.cluster.local`,
        'cert-manager.io/certificate-name': name,
        'cert-manager.io/common-name': `${name}.${ns}.svc`,
        'cert-manager.io/ip-sans': '',
        'cert-manager.io/issuer-group': 'cert-manager.io',
        'cert-manager.io/issuer-kind': 'ClusterIssuer',
        'cert-manager.io/issuer-name': 'bench-issuer',
        'cert-manager.io/uri-sans': '',
      },
      managedFields: [
        {
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:data': { '.': {}, 'f:ca.crt': {}, 'f:tls.crt': {}, 'f:tls.key': {} },
            'f:metadata': { 'f:annotations': { '.': {} }, 'f:labels': { '.': {} } },
            'f:type': {},
          },
          manager: 'cert-manager-certificates-issuing',
          operation: 'Update',
          time: created,
        },
      ],
      creationTimestamp: created,
    },
    data: { 'tls.crt': chain.tlsCrt, 'tls.key': chain.tlsKey },
  };
}

function opaqueSecret(ns: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { namespace: ns, name, labels: { 'app.kubernetes.io/name': name } },
    data: {
      username: b64('app'),
      password: b64(`pw-${name}-${'x'.repeat(24)}`),
      'config.json': b64('{"a":1}'.repeat(40)),
    },
  };
}

/**
 * Secrets spread round-robin over the namespaces, TLS and Opaque interleaved by name within each.
 * They are generated (FakeKubeApiServer.generate): built when a list page reads them, so the fake
 * holds only their keys and 100,000 Secrets cost it no more memory than 10,000.
 */
export function seed(
  fake: FakeKubeApiServer,
  cs: Chain[],
  counts: { secrets: number; namespaces: number; opaque: number },
): void {
  const { secrets: SECRETS, namespaces: NAMESPACES, opaque: OPAQUE } = counts;
  const width = Math.max(3, String(NAMESPACES - 1).length);
  const nameWidth = Math.max(5, String(Math.max(SECRETS, OPAQUE) - 1).length);
  const nsName = (i: number) => `team-${pad(i % NAMESPACES, width)}`;
  const encoded = cs.map((c) => ({ tlsCrt: b64(c.tlsCrt), tlsKey: b64(c.tlsKey) }));
  fake.generate('v1', 'Secret', SECRETS, (i) =>
    tlsSecret(nsName(i), `app-${pad(i, nameWidth)}-tls`, encoded[i % encoded.length] as EncodedChain),
  );
  fake.generate('v1', 'Secret', OPAQUE, (i) => opaqueSecret(nsName(i), `app-${pad(i, nameWidth)}-db`));
}
