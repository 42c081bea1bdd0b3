import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandMenu } from '../../../handlers/command-menu.js';
import { commandSpecs } from '../../../handlers/command-specs.js';
import { parseCommand } from '../../../handlers/parse-command.js';

// The Teams app package is what an admin uploads; a broken one fails only at upload time, in
// someone else's tenant. So the real script runs here, and the zip is read back byte by byte.

const root = join(import.meta.dirname, '../../..');
const script = join(root, 'scripts/build-teams-package.mjs');
const appId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
  .version;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-teams-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the build script with Node 24 (the test's own runtime) and no inherited MicrosoftAppId. */
function build(args: string[], env: Record<string, string> = {}) {
  const { MicrosoftAppId: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: dir,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// An independent CRC-32 (the script uses node:zlib's), so a wrong checksum cannot agree with itself.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string;
  method: number;
  data: Buffer;
}

/** Reads a zip through its central directory, as Teams and unzip do, and checks each CRC. */
function readZip(zip: Buffer): ZipEntry[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(endAt, 'end of central directory record').toBeGreaterThanOrEqual(0);
  expect(endAt + 22 + zip.readUInt16LE(endAt + 20), 'nothing after the end record').toBe(zip.length);
  const count = zip.readUInt16LE(endAt + 10);
  const directorySize = zip.readUInt32LE(endAt + 12);
  let at = zip.readUInt32LE(endAt + 16);
  expect(at + directorySize, 'central directory ends where the end record starts').toBe(endAt);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at), `central header ${i} signature`).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    expect(zip.readUInt32LE(localAt), `${name}: local header signature`).toBe(0x04034b50);
    expect(zip.readUInt32LE(localAt + 14), `${name}: local CRC matches the directory`).toBe(crc);
    const localName = zip.toString('utf8', localAt + 30, localAt + 30 + zip.readUInt16LE(localAt + 26));
    expect(localName).toBe(name);
    const start = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const stored = zip.subarray(start, start + compressedSize);
    expect([0, 8], `${name}: stored or deflated`).toContain(method);
    const data = method === 8 ? inflateRawSync(stored) : Buffer.from(stored);
    expect(data.length, `${name}: size`).toBe(size);
    expect(crc32(data), `${name}: CRC-32`).toBe(crc);
    entries.push({ name, method, data });
  }
  return entries;
}

interface Png {
  width: number;
  height: number;
  colorType: number;
  /** RGBA rows, unfiltered; only for 8-bit RGBA images. */
  pixels?: Buffer;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG's chunks; for 8-bit RGBA it also undoes the row filters to get the pixels. */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).toString('hex'), 'PNG signature').toBe('89504e470d0a1a0a');
  let at = 8;
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  let ended = false;
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    expect(bytes.readUInt32BE(at + 8 + length), `${type} chunk CRC`).toBe(
      crc32(bytes.subarray(at + 4, at + 8 + length)),
    );
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  expect(ended, 'IEND chunk').toBe(true);
  if (!header) throw new Error('no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const bitDepth = header[8];
  const colorType = header[9] as number;
  if (bitDepth !== 8 || colorType !== 6 || header[12] !== 0) return { width, height, colorType };

  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number;
      const left = x >= 4 ? (pixels[y * stride + x - 4] as number) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const upLeft = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] as number) : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter as number];
      if (predictor === undefined) throw new Error(`row ${y}: unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, colorType, pixels };
}

interface Manifest {
  id: string;
  version: string;
  manifestVersion: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  icons: { color: string; outline: string };
  bots: {
    botId: string;
    scopes: string[];
    supportsFiles: boolean;
    isNotificationOnly: boolean;
    commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
  }[];
  permissions: string[];
  validDomains: string[];
  webApplicationInfo?: { id: string };
}

describe('the Teams app package', () => {
  let entries: ZipEntry[];
  let manifest: Manifest;
  let manifestText: string;
  let result: ReturnType<typeof build>;

  beforeAll(() => {
    result = build(['--domain', 'vigil.example.com', '--out', 'pkg/vigil-teams.zip'], {
      MicrosoftAppId: appId,
    });
    const zipPath = join(dir, 'pkg/vigil-teams.zip');
    if (!existsSync(zipPath)) throw new Error(`no zip written:\n${result.stdout}\n${result.stderr}`);
    entries = readZip(readFileSync(zipPath));
    manifestText = entries.find((e) => e.name === 'manifest.json')?.data.toString('utf8') ?? '';
    manifest = JSON.parse(manifestText) as Manifest;
  });

  it('builds from MicrosoftAppId and --domain and says where the zip is', () => {
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('vigil-teams.zip');
  });

  it('holds exactly manifest.json and the two icons, at the root of the zip', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('fills every placeholder: the app id, bot id, domain and package version', () => {
    expect(manifestText).not.toMatch(/\{\{|\}\}/);
    expect(manifest.id).toBe(appId);
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]?.botId).toBe(appId);
    if (manifest.webApplicationInfo) expect(manifest.webApplicationInfo.id).toBe(appId);
    expect(manifest.validDomains).toEqual(['vigil.example.com']);
    expect(manifest.version).toBe(packageVersion);
    expect(manifest.developer.websiteUrl).toMatch(/^https:\/\//);
  });

  it('declares a conversational bot in personal chats, teams and group chats, without files', () => {
    const bot = manifest.bots[0];
    expect(bot?.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot?.supportsFiles).toBe(false);
    expect(bot?.isNotificationOnly).toBe(false);
    const [major, minor] = manifest.manifestVersion.split('.').map(Number);
    expect(major === 1 && (minor ?? 0) >= 16, `manifest version ${manifest.manifestVersion}`).toBe(true);
    expect(manifest.permissions).toEqual(['identity']);
  });

  it('has a command menu for each scope with every /k8s command that has a menu entry, each one vigil parses', () => {
    const lists = manifest.bots[0]?.commandLists ?? [];
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const list of lists) {
      // Teams shows at most 10 commands per list; titles and descriptions within the old limits.
      expect(list.commands.length).toBeLessThanOrEqual(10);
      const verbs = list.commands.map(({ title, description }) => {
        expect(title.length, title).toBeLessThanOrEqual(32);
        expect(description.length, title).toBeLessThanOrEqual(128);
        const parsed = parseCommand(title);
        if (!parsed.ok) throw new Error(`menu command "${title}" does not parse: ${parsed.problem}`);
        return parsed.command.verb;
      });
      expect(new Set(verbs)).toEqual(new Set(commandSpecs.filter((s) => s.menu).map((s) => s.verb)));
      // The script fills the menu in from handlers/command-menu.ts, which derives it from the specs.
      expect(list.commands).toEqual(commandMenu());
      expect(list.commands.map((c) => c.title)).toEqual([
        'certs prod',
        'sts prod',
        'registries prod',
        'alerts',
        'ack ID note',
        'snooze ID 4h',
        'check prod',
        'clusters',
        'history ID',
        'help',
      ]);
    }
  });

  it('has a 192x192 colour icon and a 32x32 outline icon that is only white on transparent', () => {
    const color = readPng(entries.find((e) => e.name === 'color.png')?.data ?? Buffer.alloc(0));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = readPng(entries.find((e) => e.name === 'outline.png')?.data ?? Buffer.alloc(0));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const pixels = outline.pixels;
    if (!pixels) throw new Error(`outline.png: expected 8-bit RGBA, colour type ${outline.colorType}`);
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
      if (a === 0) continue;
      drawn++;
      expect([r, g, b], `outline pixel ${i / 4} is white`).toEqual([255, 255, 255]);
    }
    expect(drawn, 'the outline icon draws something').toBeGreaterThan(100);
  });

  it('is a zip the system unzip accepts too, when one is installed', (ctx) => {
    const probe = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) ctx.skip();
    const check = spawnSync('unzip', ['-t', join(dir, 'pkg/vigil-teams.zip')], { encoding: 'utf8' });
    expect(check.stdout).toContain('No errors detected');
    expect(check.status).toBe(0);
  });
});

describe('build-teams-package problems', () => {
  it('names the missing app id and both ways to pass it, and writes nothing', () => {
    const result = build(['--domain', 'vigil.example.com', '--out', 'none/vigil-teams.zip']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("missing the bot's Microsoft App ID");
    expect(result.stderr).toContain('--app-id');
    expect(result.stderr).toContain('MicrosoftAppId');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('reports a missing domain together with a missing app id', () => {
    const result = build([]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("missing the bot's Microsoft App ID");
    expect(result.stderr).toContain('missing the host vigil is reached at: pass --domain');
  });

  it('rejects an app id that is not a GUID and a domain given as a URL', () => {
    const result = build(['--app-id', 'my-bot', '--domain', 'https://vigil.example.com/api/messages']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('must be a GUID');
    expect(result.stderr).toContain('--domain takes a host name only');
  });

  it('takes --app-id over MicrosoftAppId, and --app-version for a new upload', () => {
    const other = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    const result = build(
      ['--app-id', other, '--domain', 'vigil.example.com', '--app-version', '2.3.4', '--out', 'v2.zip'],
      { MicrosoftAppId: appId },
    );
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(
      readZip(readFileSync(join(dir, 'v2.zip')))
        .find((e) => e.name === 'manifest.json')
        ?.data.toString('utf8') ?? '',
    ) as Manifest;
    expect([manifest.id, manifest.bots[0]?.botId, manifest.version]).toEqual([other, other, '2.3.4']);
  });

  it('rejects a version Teams would refuse', () => {
    const result = build(['--app-id', appId, '--domain', 'vigil.example.com', '--app-version', '1.0.0-rc.1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MAJOR.MINOR.PATCH');
  });
});
