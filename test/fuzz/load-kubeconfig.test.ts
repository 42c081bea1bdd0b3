import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { kubeconfigText } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { editedDocument } from './document-edits.js';
import { fuzzParams, mutatedBytes, outcomeOf, tally } from './fuzz-run.js';

/**
 * Kubeconfig files, mutated as text and as documents: loadClusterConnection returns a connection or
 * throws a VigilError (kubeconfig-invalid) naming the file and the cluster, never a TypeError out of
 * the parser (src/kube/kubeconfig-file.ts). Nothing is dialled: loading reads the file only.
 */
const now = new Date('2026-11-21T12:00:00Z');
const ca = issueCa('kubernetes', now);
const client = issueLeaf('vigil', now, 200, { issuer: ca, clientAuth: true });
const seeds = {
  token: kubeconfigText({ server: 'https://127.0.0.1:6443', caPem: ca.certPem, token: 'good-token' }),
  'client-certificate': kubeconfigText({
    server: 'https://127.0.0.1:6443',
    caPem: ca.certPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
  }),
};

const dir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const t = tally('kubeconfig');

let files = 0;
function load(text: string | Buffer, context?: string) {
  const kubeconfig = join(dir, `kubeconfig-${files++ % 8}`);
  writeFileSync(kubeconfig, text);
  outcomeOf(t, () => {
    loadClusterConnection({ name: 'prod', kubeconfig, ...(context ? { context } : {}) }, {});
  });
}

describe('fuzz: kubeconfig loader', () => {
  for (const [name, text] of Object.entries(seeds)) {
    it(`mutated ${name} kubeconfig text loads or is kubeconfig-invalid`, () => {
      fc.assert(
        fc.property(
          mutatedBytes(Buffer.from(text)),
          fc.option(fc.constantFrom('fake', 'other', '')),
          (b, ctx) => {
            load(b, ctx ?? undefined);
          },
        ),
        fuzzParams(50),
      );
    });

    it(`a ${name} kubeconfig with values replaced or removed loads or is kubeconfig-invalid`, () => {
      fc.assert(
        fc.property(editedDocument(parse(text)), (doc) => {
          load(stringify(doc ?? null));
        }),
        fuzzParams(80),
      );
    });
  }
});
