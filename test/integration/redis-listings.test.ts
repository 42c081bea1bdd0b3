import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import { compareAlerts } from '../../src/alerts/order-alerts.js';
import type { CheckSnapshot } from '../../src/alerts/snapshot-store.js';
import type { ReplyMessage } from '../../src/chat/chat-message.js';
import type { Finding } from '../../src/domain/finding.js';
import { compareSeverity, type Severity } from '../../src/domain/severity.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js';
import { alertKeys, listingKeys } from '../../src/redis/redis-keys.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { findingFor, opened } from '../support/alert-fixtures.js';
import {
  certFinding,
  makeConfig,
  NOW,
  plainFinding,
  slackCommand,
} from '../unit/handlers/handler-fixtures.js';

// The stored listings (redis-snapshot-store.ts) and open-alert rankings (redis-open-alerts.ts)
// against a real redis-server, checked against the answers as vigil computed them before issue 12:
// every finding loaded, filtered and sorted in the process. Objects mix case, punctuation and
// accents, and many certificates share an expiry, so Redis' byte order and `localeCompare` would
// disagree if the merge relied on the former.
let server: RedisServer;
let connection: RedisConnection;
let prefix: string;
let stores: ReturnType<typeof createRedisStores>;
const CLUSTERS = ['alpha', 'beta', 'gamma'];
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});
beforeEach(async () => {
  await connection?.close();
  prefix = `test-${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection({ url: server.url, prefix });
  stores = createRedisStores(connection, makeConfig().alerts);
});

function depsFor(permissions: unknown = {}): HandlerDeps {
  return {
    config: makeConfig(permissions, CLUSTERS),
    ...stores,
    now: () => NOW,
    notify: async () => {},
    requestCheck: async () => {},
  };
}

const NAMES = ['Web', 'web', 'a-b', 'a.b', 'a_b', 'Émile', 'zeta', 'Zeta', '10', '9', 'x y', 'x%09y'];
const DAYS = [-3, 2, 2, 5, 20, 20, 40, 40, 400];

function snapshot(cluster: string, check: CheckSnapshot['check'], findings: Finding[]): CheckSnapshot {
  return { cluster, check, at: NOW.toISOString(), reachable: true, findings, unobserved: [] };
}

function fleet(): CheckSnapshot[] {
  let n = 0;
  const out: CheckSnapshot[] = [];
  for (const cluster of CLUSTERS) {
    const certs = NAMES.flatMap((name) =>
      DAYS.map((days) => certFinding(cluster, `secret ${name}/t${n++ % 7} tls.crt`, days)),
    );
    // Unparsable data: a problem without a date, listed after the dated ones.
    certs.push({ ...certFinding(cluster, `secret ${cluster}/garbage tls.crt`, 1), certificate: undefined });
    out.push(snapshot(cluster, 'certificates', certs));
    out.push(
      snapshot(cluster, 'host-certificates', [
        {
          ...certFinding(cluster, 'node-1 /etc/kubernetes/pki/apiserver-etcd-client.crt', 2),
          check: 'host-certificates',
        },
      ]),
    );
    const severities: Severity[] = ['ok', 'warning', 'critical', 'unknown'];
    out.push(
      snapshot(
        cluster,
        'statefulsets',
        NAMES.flatMap((name, i) =>
          severities.map((s, j) =>
            plainFinding(cluster, 'statefulsets', `statefulset ${name}/db-${(i + j) % 3}`, s, `${name} ${s}`),
          ),
        ),
      ),
    );
  }
  return out;
}

// The orders as the handlers computed them before the listings existed.
function notAfterOf(f: Finding): number | undefined {
  const ms = Date.parse(f.certificate?.notAfter ?? f.notAfter ?? '');
  return Number.isNaN(ms) ? undefined : ms;
}
function oldWorstFirst(a: Finding, b: Finding): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    a.cluster.localeCompare(b.cluster) ||
    a.object.localeCompare(b.object)
  );
}
function oldSoonestFirst(a: Finding, b: Finding): number {
  const byDate = (notAfterOf(a) ?? Infinity) - (notAfterOf(b) ?? Infinity);
  if (byDate !== 0 && !Number.isNaN(byDate)) return byDate;
  return oldWorstFirst(a, b);
}

/** Line i names the cluster, severity, object and expiry date of finding i. */
function expectLines(lines: readonly string[], findings: readonly Finding[]): void {
  expect(lines).toHaveLength(findings.length);
  lines.forEach((line, i) => {
    const f = findings[i]!;
    expect(line.startsWith(`${f.cluster} · ${f.severity} · `)).toBe(true);
    expect(line).toContain(f.object);
    if (f.certificate) expect(line).toContain(`(${f.certificate.notAfter.slice(0, 10)})`);
  });
}

/** The listed lines of every page, until the last. */
async function allPages(
  deps: HandlerDeps,
  text: string,
): Promise<{ replies: ReplyMessage[]; lines: string[] }> {
  const replies: ReplyMessage[] = [];
  for (let page = 1; page <= 50; page++) {
    const reply = await handleCommand(slackCommand(`${text} --page ${page}`), deps);
    if (reply.title.startsWith('No such page')) break;
    replies.push(reply);
  }
  const lines = replies.flatMap((r) => (r.sections[0]?.lines ?? []).filter((l) => !l.startsWith('…and')));
  return { replies, lines };
}

describe('stored listings', () => {
  it('pages `certs`, `certs --expiring` and `sts` over every cluster in the order of a full sort', async () => {
    const snapshots = fleet();
    for (const s of snapshots) await stores.snapshots.put(s);
    const deps = depsFor();
    const certs = snapshots.filter((s) => s.check === 'certificates');
    const host = snapshots.filter((s) => s.check === 'host-certificates');
    const all = [...certs, ...host].flatMap((s) => s.findings);

    const due = all.filter((f) => f.severity !== 'ok').sort(oldSoonestFirst);
    const listed = await allPages(deps, 'certs');
    expectLines(listed.lines, due);
    const expired = due.filter((f) => f.certificate?.expiry === 'expired').length;
    expect(listed.replies[0]!.title).toMatch(
      new RegExp(`^Certificates needing attention on the clusters visible here: ${expired} expired, `),
    );
    expect(listed.replies[0]!.title).toContain(`(page 1 of ${Math.ceil(due.length / 20)})`);

    const soon = all
      .filter((f) => notAfterOf(f) !== undefined && Math.floor((notAfterOf(f)! - NOW.getTime()) / DAY) <= 20)
      .sort(oldSoonestFirst);
    const expiring = await allPages(deps, 'certs --expiring 20');
    expect(expiring.replies[0]!.title).toContain(`expiring within 20 days: ${soon.length}`);
    expectLines(expiring.lines, soon);

    const sts = snapshots
      .filter((s) => s.check === 'statefulsets')
      .flatMap((s) => s.findings)
      .filter((f) => f.severity !== 'ok')
      .sort(oldWorstFirst);
    const stsPages = await allPages(deps, 'sts');
    expect(stsPages.lines).toEqual(sts.map((f) => `${f.cluster} · ${f.severity} · ${f.summary}`));
    expect(stsPages.replies[0]!.title).toContain(
      `StatefulSets with problems on the clusters visible here: ${sts.length}`,
    );
  });

  it('keeps a replaced run readable for a minute, and a late retry of an older run does not replace a newer one', async () => {
    const first = snapshot('alpha', 'statefulsets', [
      plainFinding('alpha', 'statefulsets', 'statefulset a/one', 'critical', 'one'),
    ]);
    await stores.snapshots.put(first);
    const [old] = await stores.snapshots.summaries('statefulsets', ['alpha']);
    const second = {
      ...snapshot('alpha', 'statefulsets', [
        plainFinding('alpha', 'statefulsets', 'statefulset a/two', 'warning', 'two'),
      ]),
      at: new Date(NOW.getTime() + 60_000).toISOString(),
    };
    await stores.snapshots.put(second);
    await stores.snapshots.put(first); // the late retry
    const [now] = await stores.snapshots.summaries('statefulsets', ['alpha']);
    expect(now).toMatchObject({ at: second.at, problems: { critical: 0, warning: 1 } });
    const [fresh] = await stores.snapshots.listed([now!], { order: 'worst-first' }, 20);
    expect((await stores.snapshots.findings([fresh!.key(0)])).map((f) => f.summary)).toEqual(['two']);
    // A command that read the first summary still reads the first run's lines.
    const [stale] = await stores.snapshots.listed([old!], { order: 'worst-first' }, 20);
    expect((await stores.snapshots.findings([stale!.key(0)])).map((f) => f.summary)).toEqual(['one']);
    const ttl = await connection.redis.pttl(
      listingKeys(prefix).findings('alpha', 'statefulsets', old!.version),
    );
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lists a snapshot stored before the listings existed on first read, instead of "no results yet"', async () => {
    const s = snapshot('beta', 'statefulsets', [
      plainFinding('beta', 'statefulsets', 'statefulset a/one', 'critical', 'stuck'),
    ]);
    await stores.snapshots.put(s);
    const keys = listingKeys(prefix);
    await connection.redis.del(keys.summaries('statefulsets'), keys.versions);
    const reply = await handleCommand(slackCommand('sts beta'), depsFor());
    expect(reply.title).toBe('StatefulSets with problems on beta: 1');
    expect(reply.sections[0]?.lines).toEqual(['critical · stuck']);
  });
});

describe('open-alert rankings', () => {
  async function openMany(): Promise<void> {
    const severities: Severity[] = ['warning', 'critical', 'unknown'];
    let i = 0;
    for (const cluster of CLUSTERS) {
      for (let j = 0; j < 9; j++) {
        // Same opening minute for several alerts: ties go to the id.
        const at = new Date(NOW.getTime() - (j % 3) * 60_000);
        const finding = findingFor(cluster, `db/s${j}`, severities[(i++ + j) % 3]);
        const changes = opened(await stores.alerts.newId(), finding, at);
        expect(await stores.alerts.apply(changes, {})).toBe(true);
      }
    }
  }

  it('pages open alerts worst first as a full sort does, per cluster, all clusters and with one hidden', async () => {
    await openMany();
    const all = (await stores.alerts.listOpen()).sort(compareAlerts);
    const page = await stores.alerts.pageOpen(CLUSTERS, 5, 10);
    expect(page.alerts.map((a) => a.id)).toEqual(all.slice(5, 15).map((a) => a.id));
    expect(page.total).toBe(27);
    const two = all.filter((a) => a.cluster !== 'beta');
    const merged = await stores.alerts.pageOpen(['alpha', 'gamma'], 0, 20);
    expect(merged.alerts.map((a) => a.id)).toEqual(two.slice(0, 20).map((a) => a.id));
    expect(merged.bySeverity).toEqual({
      critical: two.filter((a) => a.severity === 'critical').length,
      unknown: two.filter((a) => a.severity === 'unknown').length,
      warning: two.filter((a) => a.severity === 'warning').length,
    });
    const beta = await stores.alerts.pageOpen(['beta'], 0, 20);
    expect(beta.alerts.map((a) => a.id)).toEqual(all.filter((a) => a.cluster === 'beta').map((a) => a.id));
    expect(await stores.alerts.countOpen(['beta'])).toEqual([beta.bySeverity]);

    const reply = await handleCommand(slackCommand('alerts --page 2'), depsFor());
    expect(reply.title).toMatch(
      /^Open alerts on the clusters visible here: 27 \(\d+ critical, \d+ unknown, \d+ warning\) \(page 2 of 2\)$/,
    );
  });

  it('drops a resolved alert, and rebuilds rankings missing after an upgrade', async () => {
    await openMany();
    const [first] = (await stores.alerts.listOpen()).sort(compareAlerts);
    const resolved = {
      ...first!,
      state: 'resolved' as const,
      resolvedAt: NOW.toISOString(),
      seq: first!.seq + 1,
    };
    expect(
      await stores.alerts.apply({ alerts: [resolved], transitions: [] }, { [first!.id]: first!.seq }),
    ).toBe(true);
    const page = await stores.alerts.pageOpen(CLUSTERS, 0, 30);
    expect(page.total).toBe(26);
    expect(page.alerts.map((a) => a.id)).not.toContain(first!.id);

    const keys = alertKeys(prefix);
    await connection.redis.del(keys.ranked, ...CLUSTERS.map((c) => keys.rankedIn(c)));
    const rebuilt = await stores.alerts.pageOpen(CLUSTERS, 0, 30);
    expect(rebuilt.alerts.map((a) => a.id)).toEqual(page.alerts.map((a) => a.id));
    expect(await connection.redis.zcard(keys.ranked)).toBe(26);
  });
});
