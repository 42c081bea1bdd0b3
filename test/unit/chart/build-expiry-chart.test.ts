import { describe, expect, it } from 'vitest';
import { buildExpiryChart, maxChartClusters } from '../../../src/chart/build-expiry-chart.js';
import { expiryChartText, maxChartTextLines } from '../../../src/chart/expiry-chart-text.js';
import { inDays, sampleData } from './chart-fixtures.js';

/** Elements of a class, with their attributes, read from the SVG text. */
function elements(svg: string, cls: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of svg.matchAll(/<(\w+)\s([^>]*?)\/?>/g)) {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    if ((attrs['class'] ?? '').split(' ').includes(cls)) out.push({ tag: m[1]!, ...attrs });
  }
  return out;
}

describe('buildExpiryChart', () => {
  it('draws each lane its own thresholds: leaf 28/14 days, CA 60/30 days, left of the horizon', () => {
    const { svg } = buildExpiryChart(sampleData());
    const days = (cls: string) => elements(svg, cls).map((e) => Number(e['data-days']));
    // prod and staging each have a CA lane and a leaf lane.
    expect(days('threshold-leaf-warning')).toEqual([28, 28]);
    expect(days('threshold-leaf-critical')).toEqual([14, 14]);
    expect(days('threshold-ca-warning')).toEqual([60, 60]);
    expect(days('threshold-ca-critical')).toEqual([30, 30]);
    // Critical sits left of warning: the timeline runs from today rightwards.
    const x = (cls: string) => Number(elements(svg, cls)[0]!['x1']);
    expect(x('threshold-leaf-critical')).toBeLessThan(x('threshold-leaf-warning'));
    expect(x('threshold-ca-critical')).toBeLessThan(x('threshold-ca-warning'));
  });

  it('marks CAs with diamonds and leaves with circles, coloured by severity, the expired one in its column', () => {
    const { svg } = buildExpiryChart(sampleData());
    const ca = elements(svg, 'marker-ca');
    const leaf = elements(svg, 'marker-leaf');
    expect(ca.map((e) => e['tag'])).toEqual(['path']);
    expect(ca[0]!['class']).toContain('severity-warning');
    expect(leaf.map((e) => e['tag'])).toEqual(['circle', 'circle']);
    const band = elements(svg, 'expired-band')[0]!;
    const bandEnd = Number(band['x']) + Number(band['width']);
    const xs = leaf.map((e) => Number(e['cx'])).sort((a, b) => a - b);
    expect(xs[0]).toBeLessThan(bandEnd); // expired 3 days ago
    expect(xs[1]).toBeGreaterThan(bandEnd); // 10 days left
    // The one after the horizon is counted, not drawn.
    expect(svg).toContain('+1 later');
  });

  it('escapes names from the cluster and keeps the SVG well formed', () => {
    const data = sampleData();
    data.clusters[0]!.name = 'p<r>"od"&';
    const { svg } = buildExpiryChart(data);
    expect(svg).not.toMatch(/<r>/);
    expect(svg).toContain('CN=web &lt;&amp;&gt;');
    expect(svg).toContain('p&lt;r&gt;&quot;o');
  });

  it(`draws at most ${maxChartClusters} clusters and says so in its title`, () => {
    const data = sampleData();
    data.clusters = Array.from({ length: 11 }, (_, i) => ({
      name: `c${i}`,
      certificates: [{ label: 'x', notAfter: inDays(5), isCa: false, severity: 'critical' as const }],
    }));
    const { svg, height } = buildExpiryChart(data);
    expect(elements(svg, 'cluster')).toHaveLength(maxChartClusters);
    expect(svg).toContain(`(${maxChartClusters} of 11 clusters)`);
    expect(height).toBeLessThan(600);
  });
});

describe('expiryChartText', () => {
  it('says the same as the picture, lane by lane, with thresholds, dates and what comes later', () => {
    const text = expiryChartText(sampleData());
    expect(text.lanes).toEqual([
      {
        heading: 'prod · CA',
        lines: [
          'warning 60 d, critical 30 d: 1 within 90 days',
          '• warning · 45 days left (2027-01-05) · configmap kube-system/kube-root-ca.crt · CN=kubernetes',
        ],
      },
      {
        heading: 'prod · leaf',
        lines: [
          'warning 28 d, critical 14 d: 2 within 90 days, 1 later',
          '• critical · expired 3 days ago (2026-11-18) · secret apps/old-tls · CN=old',
          '• critical · 10 days left (2026-12-01) · secret apps/web-tls · CN=web <&>',
        ],
      },
      { heading: 'staging · CA', lines: ['warning 60 d, critical 30 d: 0 within 90 days'] },
      { heading: 'staging · leaf', lines: ['warning 28 d, critical 14 d: 0 within 90 days'] },
    ]);
    expect(text.alt).toContain('3 certificates expired or expiring');
    expect(text.alt).toContain('prod, staging');
  });

  it('keeps its item marks through buildReply, which collapses leading spaces', async () => {
    const { buildReply } = await import('../../../handlers/build-reply.js');
    const reply = buildReply({ title: 't', sections: expiryChartText(sampleData()).lanes });
    expect(reply.sections[1]).toEqual({
      heading: 'prod · leaf',
      lines: [
        'warning 28 d, critical 14 d: 2 within 90 days, 1 later',
        '• critical · expired 3 days ago (2026-11-18) · secret apps/old-tls · CN=old',
        '• critical · 10 days left (2026-12-01) · secret apps/web-tls · CN=web <&>',
      ],
    });
  });

  it('stops at maxChartTextLines lines and counts the rest', () => {
    const many = sampleData();
    many.clusters[0]!.certificates = Array.from({ length: 100 }, (_, i) => ({
      label: `secret apps/t-${i}`,
      notAfter: inDays(1 + (i % 80)),
      isCa: false,
      severity: 'warning' as const,
    }));
    const { lanes } = expiryChartText(many);
    const lines = lanes.reduce((n, l) => n + 1 + l.lines.length, 0);
    // 60 lines of lanes plus the one that says how many more there are.
    expect(lines).toBe(maxChartTextLines + 1);
    expect(lanes.at(-1)?.lines.at(-1)).toMatch(/^…\d+ more lines not shown$/);
    const shown = lanes.flatMap((l) => l.lines).filter((l) => l.startsWith('• ')).length;
    const hidden = Number(/…(\d+)/.exec(lanes.at(-1)!.lines.at(-1)!)![1]);
    // prod's CA and leaf lanes take 2 lines each, then 56 certificates fit; the other 44 are counted,
    // and so is each staging lane that no longer fits (one line each: it has no certificates).
    expect(shown).toBe(56);
    expect(hidden).toBe(44 + 2);
  });
});
