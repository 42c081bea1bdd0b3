import { describe, expect, it } from 'vitest';
import { formatTeamsConversations } from '../../../src/chat/teams/index.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { parseConfig } from '../../../src/config/load-config.js';
import type { Finding } from '../../../src/domain/finding.js';
import { renderTable } from '../../../src/output/render-table.js';
import { countingCheckDeps } from '../../support/fake-check-deps.js';

/**
 * 200,000 TLS Secrets make 200,000 findings. `push(...findings)` and `Math.max(...rows)` pass one
 * argument per element and overflowed the call stack ("Maximum call stack size exceeded").
 */
const N = 200_000;

function findings(cluster: string): Finding[] {
  return Array.from({ length: N }, (_, i) => ({
    cluster,
    check: 'certificates',
    severity: 'ok',
    source: 'tls-secret',
    object: `secret ns/tls-${i} tls.crt`,
    summary: `Secret ns/tls-${i} (tls.crt): certificate expires in 100 days`,
    fingerprint: `fp-${i}`,
  }));
}

describe('reports with 200,000 findings', () => {
  const config = parseConfig({ clusters: [{ name: 'prod', inCluster: true }] }, 'test', '/');

  it('runChecks collects them without overflowing the stack', async () => {
    const { deps } = countingCheckDeps((cluster, check) =>
      check === 'certificates' ? findings(cluster) : [],
    );
    const report = await runChecks(config, {}, deps);
    expect(report.clusters[0]?.findings).toHaveLength(N);
  });

  it('the table renders them', () => {
    const text = renderTable({
      generatedAt: new Date().toISOString(),
      clusters: [{ cluster: 'prod', reachable: true, findings: findings('prod'), unobserved: [] }],
    });
    expect(text).toContain(`${N} ok`);
    expect(text).toContain('secret ns/tls-199999 tls.crt');
  });

  it('the Teams conversation table renders as many rows', () => {
    const rows = Array.from({ length: N }, (_, i) => ({
      alias: `chat-${i}`,
      kind: 'group' as const,
      name: `Chat ${i}`,
      conversationId: `19:${i}@thread.v2`,
      storedAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
    }));
    expect(formatTeamsConversations(rows)).toContain('chat-199999');
  });
});
