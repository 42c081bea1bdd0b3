import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildExpiryChart } from '../../../src/chart/build-expiry-chart.js';
import { renderPng } from '../../../src/chart/render-png.js';
import { sampleData } from './chart-fixtures.js';

/** The PNG's chunks, checked for structure: signature, IHDR first, IEND last. */
function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const b = Buffer.from(png);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < b.length;) {
    const length = b.readUInt32BE(at);
    out.push({ type: b.toString('ascii', at + 4, at + 8), data: b.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe('renderPng', () => {
  it('renders the chart through resvg to an indexed PNG of its size, with real content, small enough for Teams', async () => {
    const chart = buildExpiryChart(sampleData());
    const { png, width, height } = await renderPng(chart.svg);
    const parts = chunks(png);
    expect(parts[0]!.type).toBe('IHDR');
    expect(parts.at(-1)!.type).toBe('IEND');
    const ihdr = parts[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([chart.width, chart.height]);
    expect([width, height]).toEqual([chart.width, chart.height]);
    expect(ihdr[9]).toBe(3); // palette
    const palette = parts.find((c) => c.type === 'PLTE')!.data;
    const colours = new Set<string>();
    for (let i = 0; i < palette.length; i += 3) colours.add(palette.subarray(i, i + 3).toString('hex'));
    // The severities' colours are really drawn (text and markers), not an empty white page.
    expect(colours).toContain('c62828');
    expect(colours).toContain('e08600');
    expect(colours.size).toBeGreaterThan(8);
    const raw = inflateSync(Buffer.concat(parts.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    expect(raw.length).toBe((chart.width + 1) * chart.height);
    // Non-trivial, yet its base64 in a Teams card stays within the card budget (24 KB as UTF-16).
    expect(png.byteLength).toBeGreaterThan(2_000);
    expect(Math.ceil(png.byteLength / 3) * 4 * 2).toBeLessThan(22 * 1024);
  });
});
