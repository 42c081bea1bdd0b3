// Draws the two Teams app icons (an open eye: vigil keeps watch) and writes them as PNG files:
//   teams/color.png    192x192, full colour: the symbol in the central 96x96 area on a solid square
//                      (Teams crops it to rounded squares and hexagons, so it needs 48 px of padding)
//   teams/outline.png  32x32, only white (255,255,255) on fully transparent, no padding
// No image tools are needed: shapes are sampled 4x4 per pixel for smooth edges and encoded with
// node:zlib. Run `node scripts/make-teams-icons.mjs` after changing the drawing; commit the PNGs.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const teamsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'teams');

/** Keep in step with `accentColor` in teams/manifest.json: Teams shows it behind the icon. */
const background = [0x14, 0x5d, 0xa0];
const white = [0xff, 0xff, 0xff];
const iris = [0x0b, 0x2e, 0x59];

/**
 * An almond (the eye's outline) as the intersection of two discs: one centred above, one below,
 * each reaching the far lid. halfW is half the width (corner to corner), halfH half the height.
 */
function inLens(x, y, cx, cy, halfW, halfH) {
  const r = (halfW * halfW + halfH * halfH) / (2 * halfH);
  const d = r - halfH;
  const dx = x - cx;
  return dx * dx + (y - (cy - d)) ** 2 <= r * r && dx * dx + (y - (cy + d)) ** 2 <= r * r;
}

function inCircle(x, y, cx, cy, radius) {
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

/**
 * Renders an RGBA image: `paint(x, y)` returns [r, g, b, a] (a from 0 to 1) for a point, and each
 * pixel averages 4x4 samples. Colour is averaged weighted by alpha, so edges stay clean.
 */
function render(size, paint) {
  const n = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [sr, sg, sb, sa] = paint(px + (sx + 0.5) / n, py + (sy + 0.5) / n);
          r += sr * sa;
          g += sg * sa;
          b += sb * sa;
          a += sa;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
        rgba[i + 3] = Math.round((a / (n * n)) * 255);
      }
      // a === 0 leaves 0,0,0,0: fully transparent, as the outline icon rules ask.
    }
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** PNG: signature, IHDR (8-bit RGBA, no interlace), one IDAT (zlib stream of filtered rows), IEND. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type: truecolour with alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter type None for every row
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Colour icon: a white eye about 112x64 around the centre (inside the 96x96 symbol area give or
// take the pointed corners, which carry no detail), a dark iris and a small white highlight.
function paintColor(x, y) {
  const c = 96;
  if (inCircle(x, y, c + 8, c - 9, 6)) return [...white, 1];
  if (inLens(x, y, c, c, 56, 32) && inCircle(x, y, c, c, 24)) return [...iris, 1];
  if (inLens(x, y, c, c, 56, 32)) return [...white, 1];
  return [...background, 1];
}

// Outline icon: the eye's rim as a 2.5 px white stroke across the full width, and a solid iris.
function paintOutline(x, y) {
  const c = 16;
  const rim = inLens(x, y, c, c, 15.5, 9.5) && !inLens(x, y, c, c, 11.5, 7);
  if (rim || inCircle(x, y, c, c, 4.5)) return [...white, 1];
  return [0, 0, 0, 0];
}

const icons = [
  { file: 'color.png', size: 192, paint: paintColor },
  { file: 'outline.png', size: 32, paint: paintOutline },
];
for (const { file, size, paint } of icons) {
  const png = encodePng(size, render(size, paint));
  writeFileSync(join(teamsDir, file), png);
  console.log(`wrote teams/${file} (${size}x${size}, ${png.length} bytes)`);
}
