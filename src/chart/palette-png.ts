import { deflateSync } from 'node:zlib';

/**
 * An indexed-colour PNG (colour type 3) from RGBA pixels on an opaque background. resvg writes 32-bit
 * RGBA; a flat chart has few distinct colours, and one byte per pixel deflates several times smaller,
 * which is what keeps the chart inside a Teams message as a data URI (teams-card-limits.ts). Pixels
 * beyond 256 distinct colours (anti-aliased edges) take the nearest colour already in the palette.
 */
export function palettePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (rgba.length !== width * height * 4)
    throw new Error(`palettePng: ${rgba.length} bytes for ${width}x${height}`);
  const palette: number[] = [];
  const indexOf = new Map<number, number>();
  const counts = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const c = (rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  // The most used colours get exact entries; the rare ones (edge blends) map to their nearest.
  const byUse = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  for (const c of byUse.slice(0, 256)) {
    indexOf.set(c, palette.length);
    palette.push(c);
  }
  const nearest = (c: number): number => {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < palette.length; i++) {
      const p = palette[i]!;
      const dr = ((p >> 16) & 255) - ((c >> 16) & 255);
      const dg = ((p >> 8) & 255) - ((c >> 8) & 255);
      const db = (p & 255) - (c & 255);
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) [best, bestD] = [i, d];
    }
    indexOf.set(c, best);
    return best;
  };
  // Each scanline: filter byte 0 (none), then one index per pixel.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const c = (rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!;
      raw[y * (width + 1) + 1 + x] = indexOf.get(c) ?? nearest(c);
    }
  }
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((c, i) => {
    plte[i * 3] = (c >> 16) & 255;
    plte[i * 3 + 1] = (c >> 8) & 255;
    plte[i * 3 + 2] = c & 255;
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // indexed colour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = crcTable[(c ^ byte) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
