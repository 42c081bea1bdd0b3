// @ts-check
/**
 * Which part of vigil may import which: `npm run lint:deps` (part of `npm test`) fails on any import
 * not allowed below, on any import cycle, and on product code importing test/.
 *
 * The arrows are written down once, in `arrows`; every allowed rule is generated from it, and the
 * table itself is checked to be acyclic when this file loads, so no two parts can ever import each
 * other. A file outside every area matches no allowed rule: a new folder needs its line here.
 * Which vendor SDK may be imported where is eslint's business (eslint.config.js `sdkHomes`); npm
 * packages and Node built-ins are allowed everywhere as far as this file is concerned.
 *
 * The layering, bottom up (ARCHITECTURE.md "The allowed arrows" reads this table):
 * - src/domain (alerts, findings, VigilError, ConfigError) imports nothing of ours; src/logger.ts,
 *   src/runtime/ and src/system/ (finding redis-server, chromium and the like) neither; src/time/
 *   and src/simulator/ only the domain.
 * - src/http is the one HTTP server; src/chat (the neutral model and ports) sits on it, the platform
 *   folders (src/chat/slack, src/chat/teams, src/chat/web) on that, and src/chat/platforms.ts, the
 *   one list of platforms, on them.
 * - src/config composes vigil.yaml from its own sections, the platforms' ids (the list) and the
 *   checks' own sections and registry.
 * - src/checks decide findings from what their reader ports return (src/checks/.../*-reader.ts and
 *   check.ts); src/kube implements those ports with its own HTTPS client (kube-client.ts), and src/probe reaches
 *   TLS endpoints and registries. The registry and each check's entry (index.ts, <check>-check.ts)
 *   open the readers, so they sit above src/kube; what a check hands a reader (the connection type
 *   and the errors readers raise) sits below the checks. src/output renders reports for the CLI.
 * - src/alerts is the alert lifecycle and its storage ports (alert, audit, snapshot stores, the
 *   transition relay, check failures).
 * - src/redis implements the storage ports of src/alerts and src/chat, and the checks' NodeReports
 *   (what node agents reported); it is the only home of ioredis.
 * - src/metrics is /metrics (prom-client): it reads the stores' ports at scrape time and implements
 *   the jobs' observer ports by shape, without importing jobs/ (src/app.ts wires the two).
 * - src/agent is `vigil agent`, the node agent: it reads the node's files with the host-certificates
 *   check's reader and writes the report to Redis. It needs no Kubernetes API and imports no SDK but
 *   through src/redis.
 * - handlers/ answer chat commands from the alerts, the chat model, the checks' registry and config.
 * - jobs/ are the BullMQ jobs: jobs/queue (names, schedule plan) at the bottom, then one folder per
 *   job (notify: the outbox; run-check; watchdog; housekeeping: timers and the heartbeat), and
 *   jobs/*.ts (start-jobs, create-queues) wiring them with the Redis implementations. A job folder sees Redis only as the client type it hands
 *   to BullMQ, and the other jobs only through jobs/notify's TransitionSink.
 * - Composition roots build the adapters and may import anything of ours: src/app.ts (`vigil serve`),
 *   src/serve/, src/cli/, src/demo/, src/main.ts and bin/.
 * - test/ (test/fuzz included) and bench/ may import anything; nothing under src/, handlers/, jobs/
 *   or bin/ imports them.
 */

/** Every file of ours belongs to exactly one area. */
const areas = {
  domain: '^src/domain/',
  config: '^src/config/',
  logger: '^src/logger[.]ts$',
  runtime: '^src/runtime/',
  time: '^src/time/',
  simulator: '^src/simulator/',
  system: '^src/system/',
  probe: '^src/probe/',
  checks: '^src/checks/(?!(index|check-names|incidents)[.]ts$|[^/]+/[^/]+-check[.]ts$)',
  /** The registry and each check's entry: they open the check's reader, so they sit above src/kube. */
  'checks-registry': '^src/checks/(index|check-names|incidents|[^/]+/[^/]+-check)[.]ts$',
  /** What a check hands its reader: the cluster's connection (its HTTPS client) and the errors readers raise. */
  'kube-connection': '^src/kube/(kube-connection|kube-client|body-buffer|[a-z-]+-error)[.]ts$',
  kube: '^src/kube/(?!(kube-connection|kube-client|body-buffer|[a-z-]+-error)[.]ts$)',
  output: '^src/output/',
  chart: '^src/chart/',
  alerts: '^src/alerts/',
  http: '^src/http/',
  chat: '^src/chat/(?!platforms[.]ts$)[^/]+$',
  'chat-list': '^src/chat/platforms[.]ts$',
  'chat-slack': '^src/chat/slack/',
  'chat-teams': '^src/chat/teams/',
  'chat-web': '^src/chat/web/',
  redis: '^src/redis/',
  metrics: '^src/metrics/',
  agent: '^src/agent/',
  handlers: '^handlers/',
  'jobs-queue': '^jobs/queue/',
  'jobs-notify': '^jobs/notify/',
  'jobs-run-check': '^jobs/run-check/',
  'jobs-watchdog': '^jobs/watchdog/',
  'jobs-housekeeping': '^jobs/housekeeping/',
  'jobs-digest': '^jobs/digest/',
  'jobs-clock-guard': '^jobs/clock-guard/',
  jobs: '^jobs/[^/]+$',
  roots: '^(src/(app[.]ts|main[.]ts|serve/|cli/|demo/)|bin/)',
  /** Every test folder (unit, integration, e2e, contract, fuzz, fakes, support) and the benchmarks. */
  tests: '^(test|bench)/',
};

/** Parts of an area that others may import without seeing the rest of it. */
const parts = {
  /** The checks' ports, which src/kube implements. */
  'checks-ports': { of: 'checks', path: '^src/checks/(check|[^.]*-reader)[.]ts$' },
  /** The checks' public face: registry, names, runner (not each check's internals). */
  'checks-api': { of: 'checks', path: '^src/checks/[^/]+$' },
  /** The Redis client type a BullMQ queue or worker is handed. */
  'redis-client': { of: 'redis', path: '^src/redis/redis-connection[.]ts$' },
};

/** Who may import whom, besides itself. The one place the arrows are written down. */
const arrows = {
  domain: [],
  'chat-list': ['chat', 'chat-slack', 'chat-teams', 'chat-web', 'domain'],
  config: ['domain', 'chat-list', 'checks', 'checks-registry', 'time'],
  logger: [],
  runtime: [],
  time: ['domain'],
  simulator: ['domain'],
  system: [],
  probe: ['domain', 'time'],
  checks: ['domain', 'probe', 'time', 'kube-connection'],
  'kube-connection': ['domain'],
  kube: ['checks-ports', 'kube-connection', 'domain', 'runtime', 'time'],
  'checks-registry': ['checks', 'kube', 'kube-connection', 'probe', 'domain', 'time'],
  output: ['checks', 'checks-registry', 'domain', 'time'],
  chart: ['domain', 'time'],
  alerts: ['domain', 'config', 'chat-list', 'time'],
  http: ['domain', 'logger', 'runtime'],
  chat: ['domain', 'http', 'time'],
  'chat-slack': ['http', 'chat', 'domain', 'logger', 'runtime', 'time'],
  'chat-teams': ['http', 'chat', 'domain', 'logger', 'time'],
  'chat-web': ['http', 'chat', 'domain', 'logger', 'time'],
  redis: ['alerts', 'chat', 'checks-ports', 'config', 'domain', 'time'],
  metrics: ['alerts', 'config', 'domain'],
  agent: ['checks', 'checks-registry', 'redis', 'config', 'domain', 'logger', 'time'],
  handlers: ['alerts', 'chart', 'chat', 'chat-list', 'checks-api', 'config', 'domain', 'time'],
  'jobs-queue': ['config', 'domain', 'time'],
  'jobs-notify': ['jobs-queue', 'redis-client', 'alerts', 'chat', 'chat-list', 'domain', 'time'],
  'jobs-run-check': [
    'jobs-notify',
    'jobs-queue',
    'redis-client',
    'alerts',
    'checks-api',
    'config',
    'domain',
    'time',
  ],
  'jobs-watchdog': ['jobs-notify', 'jobs-queue', 'alerts', 'chat', 'domain', 'time'],
  'jobs-housekeeping': ['jobs-notify', 'jobs-queue', 'redis-client', 'alerts', 'domain'],
  'jobs-digest': ['jobs-queue', 'redis-client', 'alerts', 'chat', 'chat-list', 'config', 'domain', 'time'],
  'jobs-clock-guard': [],
  jobs: [
    'jobs-clock-guard',
    'jobs-queue',
    'jobs-notify',
    'jobs-run-check',
    'jobs-watchdog',
    'jobs-housekeeping',
    'jobs-digest',
    'redis',
    'alerts',
    'chat',
    'checks-api',
    'config',
    'domain',
    'time',
  ],
  roots: ['src', 'handlers', 'jobs-all'],
  tests: ['anything'],
};

/** Targets wider than one area. */
const wide = { src: '^src/', 'jobs-all': '^jobs/', anything: '' };

/** @type {Record<string, string>} */
const paths = {
  ...areas,
  ...Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, part.path])),
  ...wide,
};
assertAcyclic();

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: move the shared part (often a port) to the layer both sides may import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-from-product',
      severity: 'error',
      comment: 'Product code must not depend on tests; move what it needs into src/.',
      from: { path: '^(src|handlers|jobs|bin)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  allowed: [
    { from: {}, to: { dependencyTypes: ['core'] } },
    { from: {}, to: { path: 'node_modules' } },
    ...Object.entries(arrows).map(([from, to]) => ({
      from: { path: areas[from] },
      to: { path: [areas[from], ...to.map((t) => paths[t])] },
    })),
  ],
  allowedSeverity: 'error',
  options: {
    // Ports are interfaces, imported with `import type`: those imports are arrows too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

/** Throws when the arrows between areas (composition roots and tests aside) contain a cycle. */
function assertAcyclic() {
  const layered = Object.keys(arrows).filter((a) => a !== 'roots' && a !== 'tests');
  const state = new Map();
  const visit = (/** @type {string} */ area, /** @type {string[]} */ trail) => {
    if (state.get(area) === 'done') return;
    if (state.get(area) === 'visiting')
      throw new Error(`.dependency-cruiser.js: arrows cycle ${[...trail, area].join(' -> ')}`);
    state.set(area, 'visiting');
    for (const target of arrows[area] ?? []) {
      const next = target in parts ? parts[target].of : target;
      if (!(next in areas)) throw new Error(`.dependency-cruiser.js: unknown target ${target} of ${area}`);
      if (next !== area) visit(next, [...trail, area]);
    }
    state.set(area, 'done');
  };
  for (const area of layered) visit(area, []);
}
