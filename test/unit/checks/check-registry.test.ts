import { describe, expect, it } from 'vitest';
import { commandMenu } from '../../../handlers/command-menu.js';
import { commandSpecsFor } from '../../../handlers/command-specs.js';
import { helpLines } from '../../../handlers/help-command.js';
import { listFindings } from '../../../handlers/list-findings.js';
import type { Check, ClusterTarget } from '../../../src/checks/check.js';
import { resolveCheckName } from '../../../src/checks/check-names.js';
import { allChecks } from '../../../src/checks/index.js';
import { runChecks } from '../../../src/checks/run-checks.js';
import { validateSelection } from '../../../src/cli/check-command.js';
import { defaultPatternsFor, schedulesConfigSchemaFor } from '../../../src/config/schedules-config.js';
import type { Finding, RunnableCheckName } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import { renderTable } from '../../../src/output/render-table.js';
import { makeConfig, makeDeps, NOW, slackCommand, textOf } from '../handlers/handler-fixtures.js';

// Everything that names checks is built from a list of Check entries; the app passes the registry
// (src/checks/index.ts), this test passes the registry plus a check that exists nowhere else. If
// any of these places still listed checks by hand, the widget check would be missing from it.

interface WidgetReader {
  widgets(): string[];
}

// Outside the registry, so CheckName (which the registry defines) does not know this name.
const widgets = 'widgets' as string as RunnableCheckName;

function widgetFinding(cluster: string, object: string): Finding {
  return {
    cluster,
    check: widgets,
    severity: 'warning',
    source: 'widget',
    object,
    summary: `widget ${object} wobbles`,
    nextStep: 'tighten it',
    fingerprint: fingerprint(cluster, widgets, 'widget', object),
  };
}

const widgetCheck: Check<RunnableCheckName, WidgetReader> = {
  name: widgets,
  label: { one: 'widget', many: 'widgets' },
  schedule: { pattern: '*/10 * * * *', meaning: 'every 10 minutes' },
  command: {
    words: ['widgets', 'widget', 'wdg'],
    short: 'wdg',
    usage: 'widgets|wdg [cluster]',
    description: 'widgets that wobble',
    flags: [],
    menu: 'Widgets that wobble.',
  },
  table: {
    columns: [
      { header: 'WIDGET', cell: (f) => f.object },
      { header: 'WOBBLE', cell: (f) => f.summary },
    ],
    summaryBelow: false,
  },
  // Not Kubernetes: the reader is whatever the factory opens, here from the cluster's config entry.
  reader: ({ cluster }) => ({ widgets: () => [`${cluster.name}-a`, `${cluster.name}-b`] }),
  unobserved: (ctx) => [
    { what: `widgets in the attic of ${ctx.cluster.name}`, why: 'no ladder', howToObserve: 'fetch one' },
  ],
  async run(ctx) {
    return {
      findings: ctx.reader.widgets().map((w) => widgetFinding(ctx.cluster.name, w)),
      unobserved: [{ what: 'widgets under the stairs', why: 'dark', howToObserve: 'bring a torch' }],
    };
  },
};

const checks: readonly Check[] = [...allChecks, widgetCheck];
const config = makeConfig();

describe('a check added to the list', () => {
  it('is a word for --only, with its aliases, and named among those available', () => {
    expect(resolveCheckName('WDG', checks)).toBe('widgets');
    expect(() => validateSelection(config, { clusters: [], only: ['widget', 'wdg'] }, checks)).not.toThrow();
    expect(() => validateSelection(config, { clusters: [], only: ['wdg'] })).toThrow(
      'unknown check "wdg" for --only; available: certificates, statefulsets, registries, host-certificates (or certs, sts, host-certs)',
    );
    expect(() => validateSelection(config, { clusters: [], only: ['nope'] }, checks)).toThrow(
      'available: certificates, statefulsets, registries, host-certificates, widgets (or certs, sts, host-certs, wdg)',
    );
  });

  it('is a /k8s command in help, in /k8s check, and in the command menu', () => {
    const specs = commandSpecsFor(checks);
    expect(specs.find((s) => s.verb === widgets)).toMatchObject({
      words: ['widgets', 'widget', 'wdg'],
      flags: ['page'],
      minArgs: 0,
      maxArgs: 1,
      check: widgetCheck,
    });
    const help = helpLines('slack', specs);
    // After the registered checks' listings, before the other commands.
    expect(help[4]).toBe('/k8s widgets|wdg [cluster] — widgets that wobble');
    expect(help).toContain(
      '/k8s check CLUSTER [certs|sts|registries|host-certs|wdg] — run the checks now; the result is posted here when done',
    );
    expect(commandMenu(specs)[3]).toEqual({ title: 'wdg prod', description: 'Widgets that wobble.' });
    expect(helpLines('slack')).not.toContain('/k8s widgets|wdg [cluster] — widgets that wobble');
  });

  it('gets a schedules: key with its default pattern, checked like the others', () => {
    expect(defaultPatternsFor(checks)).toMatchObject({
      certificates: '0 */6 * * *',
      widgets: '*/10 * * * *',
    });
    const schema = schedulesConfigSchemaFor(checks);
    expect(
      schema.parse({ checks: { widgets: false }, clusters: { prod: { widgets: '0 * * * *' } } }),
    ).toMatchObject({ checks: { widgets: false }, clusters: { prod: { widgets: '0 * * * *' } } });
    const bad = schema.safeParse({ checks: { widgets: '61 * * * *' } });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'checks.widgets',
        expect.stringMatching(
          /e\.g\. "\*\/10 \* \* \* \*" \(every 10 minutes\), or false to turn the check off$/,
        ),
      ],
    ]);
    expect(schedulesConfigSchemaFor(allChecks).safeParse({ checks: { widgets: false } }).success).toBe(false);
  });

  it('runs through its own reader and gets its own section of the table', async () => {
    const target = {
      name: 'prod',
      server: { url: 'https://127.0.0.1:1', host: '127.0.0.1', port: 1 },
      insecureSkipTlsVerify: false,
      ping: () => Promise.resolve(),
    } as unknown as ClusterTarget;
    const report = await runChecks(
      config,
      { clusters: ['prod'], only: ['widgets'] },
      {
        connect: () => target,
        probeTls: () => Promise.reject(new Error('no handshakes here')),
        now: () => NOW,
        checks,
      },
    );
    expect(report.clusters[0]?.unobserved.map((u) => u.what)).toEqual([
      'widgets in the attic of prod',
      'widgets under the stairs',
    ]);
    expect(renderTable(report, {}, checks).split('\n')).toEqual([
      'Cluster prod: 0 critical, 2 warning, 0 unknown, 0 ok',
      '  Widgets',
      '  SEVERITY  WIDGET  WOBBLE',
      '  WARNING   prod-a  widget prod-a wobbles',
      '      next: tighten it',
      '  WARNING   prod-b  widget prod-b wobbles',
      '      next: tighten it',
      '  Not observed in this mode:',
      '    - widgets in the attic of prod: no ladder; fetch one',
      '    - widgets under the stairs: dark; bring a torch',
      '',
    ]);
    // The registry alone has no section for it: its findings would not be shown.
    expect(renderTable(report)).not.toContain('Widgets');
  });

  it('is listed in chat by the shared listing, worded from its entry', async () => {
    const t = makeDeps();
    await t.snapshots.put({
      cluster: 'prod',
      check: widgets,
      at: '2026-11-21T10:02:00.000Z',
      reachable: true,
      unobserved: [],
      findings: [widgetFinding('prod', 'w1')],
    });
    const cmd = { verb: widgets, args: ['prod'], flags: {} };
    const reply = await listFindings(widgetCheck, cmd, slackCommand('wdg prod'), t.deps);
    expect(textOf(reply)).toBe(
      [
        'Widgets with problems on prod: 1',
        'warning · widget w1 wobbles',
        'Next step for the first one',
        'tighten it',
        'data from 3 min ago (2026-11-21 10:02 UTC)',
      ].join('\n'),
    );
    await t.snapshots.put({
      cluster: 'prod',
      check: widgets,
      at: '2026-11-21T10:02:00.000Z',
      reachable: true,
      unobserved: [],
      findings: [{ ...widgetFinding('prod', 'w1'), severity: 'ok' }],
    });
    expect((await listFindings(widgetCheck, cmd, slackCommand('wdg prod'), t.deps)).title).toBe(
      'All widgets ok on prod',
    );
  });
});
