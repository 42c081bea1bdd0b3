// Builds the Teams app package, dist/vigil-teams.zip: teams/manifest.json with its {{PLACEHOLDERS}}
// filled in, plus teams/color.png and teams/outline.png, all at the root of the zip (Teams rejects
// packages whose files sit in a folder). Steps around it: teams/README.md.
//
//   npm run teams:package -- --domain vigil.example.com [--app-id GUID] [--app-version 1.2.3]
//
// Plain JavaScript and no zip binary (a minimal ZIP writer is below). The one dependency is tsx, to
// read the command menu from handlers/command-menu.ts, which derives it from the commands vigil
// parses (every check in src/checks/index.ts among them): the manifest's "{{COMMANDS}}" lists.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const teamsDir = join(root, 'teams');

const usage = `Usage: npm run teams:package -- --domain HOST [options]

  --domain HOST          host name vigil is reached at (messaging endpoint https://HOST/api/messages)
  --app-id GUID          the Azure Bot's Microsoft App ID (default: $MicrosoftAppId)
  --app-version X.Y.Z    app version; raise it for every upload (default: package.json version)
  --project-url URL      developer website link (default: package.json homepage or repository)
  --privacy-url URL      privacy statement link (default: the project URL)
  --terms-url URL        terms of use link (default: the project URL)
  --out FILE             where to write the zip (default: dist/vigil-teams.zip)`;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
// Teams takes MAJOR.MINOR.PATCH only: no pre-release or build suffix.
const teamsVersion = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Reports every problem at once, then exits: fixing one and rerunning to meet the next is tedious. */
function fail(problems) {
  console.error(`vigil: cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  console.error(`\n${usage}`);
  process.exit(1);
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        domain: { type: 'string' },
        'app-id': { type: 'string' },
        'app-version': { type: 'string' },
        'project-url': { type: 'string' },
        'privacy-url': { type: 'string' },
        'terms-url': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    // Unknown option, or an option given without its value.
    return fail([err instanceof Error ? err.message : String(err)]);
  }
}

function httpsUrl(value, option, problems) {
  try {
    if (new URL(value).protocol === 'https:') return value;
  } catch {
    // reported below
  }
  problems.push(`${option} must be an https:// URL, got "${value}"`);
  return undefined;
}

function projectUrlFromPackage(pkg) {
  if (typeof pkg.homepage === 'string') return pkg.homepage;
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (typeof repo !== 'string') return undefined;
  const url = repo.replace(/^git\+/, '').replace(/\.git$/, '');
  return url.startsWith('https://') ? url : undefined;
}

/** The values for the manifest's placeholders, or every problem with the arguments. */
function resolveValues(args, pkg) {
  const problems = [];
  const appId = (args['app-id'] ?? process.env.MicrosoftAppId ?? '').trim();
  if (!appId) {
    problems.push(
      "missing the bot's Microsoft App ID: pass --app-id <GUID> or set MicrosoftAppId " +
        '(Azure portal → your Azure Bot → Configuration → Microsoft App ID)',
    );
  } else if (!guid.test(appId)) {
    problems.push(
      `the Microsoft App ID must be a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, got "${appId}"`,
    );
  }

  const domain = (args.domain ?? '').trim().toLowerCase();
  if (!domain) {
    problems.push(
      'missing the host vigil is reached at: pass --domain <host>, e.g. --domain vigil.example.com ' +
        '(the host of the messaging endpoint https://<host>/api/messages)',
    );
  } else if (!hostName.test(domain)) {
    problems.push(
      `--domain takes a host name only, e.g. --domain vigil.example.com (no https://, port or path), got "${args.domain}"`,
    );
  }

  const version = args['app-version'] ?? pkg.version;
  if (typeof version !== 'string' || !teamsVersion.test(version)) {
    problems.push(
      `the app version must be MAJOR.MINOR.PATCH (Teams accepts no suffix), got "${version}": pass --app-version, e.g. --app-version 0.1.0`,
    );
  }

  let projectUrl = args['project-url'] ?? projectUrlFromPackage(pkg);
  if (projectUrl === undefined && domain && hostName.test(domain)) {
    projectUrl = `https://${domain}`;
    console.error(
      `vigil: no --project-url and package.json names no homepage; the developer links point to ${projectUrl}`,
    );
  }
  const projectFrom = args['project-url'] === undefined ? 'the package.json homepage' : '--project-url';
  if (projectUrl !== undefined) projectUrl = httpsUrl(projectUrl, projectFrom, problems);
  const privacyUrl =
    args['privacy-url'] === undefined ? projectUrl : httpsUrl(args['privacy-url'], '--privacy-url', problems);
  const termsUrl =
    args['terms-url'] === undefined ? projectUrl : httpsUrl(args['terms-url'], '--terms-url', problems);

  if (problems.length > 0) fail(problems);
  return {
    MICROSOFT_APP_ID: appId,
    BOT_DOMAIN: domain,
    PACKAGE_VERSION: version,
    PROJECT_URL: projectUrl,
    PRIVACY_URL: privacyUrl,
    TERMS_URL: termsUrl,
  };
}

/** vigil's command menu, read from the TypeScript source through tsx (a devDependency). */
async function loadCommandMenu() {
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { commandMenu } = await tsImport('../handlers/command-menu.ts', import.meta.url);
    return commandMenu();
  } catch (err) {
    fail([
      `cannot read the command menu from handlers/command-menu.ts (${err instanceof Error ? err.message : String(err)}); run npm install first`,
    ]);
  }
}

/** Puts the menu into every command list of the template that asks for it with "{{COMMANDS}}". */
function fillCommands(template, menu) {
  for (const bot of template.bots ?? []) {
    for (const list of bot.commandLists ?? []) {
      if (list.commands === '{{COMMANDS}}') list.commands = menu;
    }
  }
  return template;
}

/** Replaces {{NAME}} in every string of the parsed template; values never pass through JSON text. */
function fillPlaceholders(node, values, unknown) {
  if (typeof node === 'string') {
    return node.replace(/\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (whole, name) => {
      if (values[name] === undefined) {
        unknown.add(name);
        return whole;
      }
      return values[name];
    });
  }
  if (Array.isArray(node)) return node.map((item) => fillPlaceholders(item, values, unknown));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, fillPlaceholders(value, values, unknown)]),
    );
  }
  return node;
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
function pngSize(bytes) {
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) return undefined;
  if (bytes.subarray(12, 16).toString('ascii') !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function checkLength(problems, path, value, max) {
  if (typeof value !== 'string' || value.length === 0) problems.push(`${path} is missing`);
  else if (value.length > max) problems.push(`${path} is ${value.length} characters; the limit is ${max}`);
}

/**
 * The rules of the v1.23 manifest schema that an edit of teams/manifest.json can plausibly break,
 * checked here so a mistake fails the build instead of the upload. Command titles and descriptions
 * are held to 32 and 128 characters, the limits of the older schemas (1.23 allows 128 and 4000).
 */
function checkManifest(manifest, values) {
  const problems = [];
  const text = JSON.stringify(manifest);
  const left = text.match(/\{\{[^}]*\}\}|\{\{|\}\}/g);
  if (left) problems.push(`leftover placeholder text in the manifest: ${[...new Set(left)].join(', ')}`);
  if (manifest.id !== values.MICROSOFT_APP_ID) problems.push('id must be {{MICROSOFT_APP_ID}}');
  checkLength(problems, 'name.short', manifest.name?.short, 30);
  checkLength(problems, 'name.full', manifest.name?.full, 100);
  checkLength(problems, 'description.short', manifest.description?.short, 80);
  checkLength(problems, 'description.full', manifest.description?.full, 4000);
  checkLength(problems, 'developer.name', manifest.developer?.name, 32);
  if (!/^#[0-9a-fA-F]{6}$/.test(manifest.accentColor ?? '')) problems.push('accentColor must be #RRGGBB');
  const bots = manifest.bots ?? [];
  if (bots.length !== 1) problems.push(`bots must hold exactly one bot, found ${bots.length}`);
  const bot = bots[0] ?? {};
  if (bot.botId !== values.MICROSOFT_APP_ID) problems.push('bots[0].botId must be {{MICROSOFT_APP_ID}}');
  const lists = bot.commandLists ?? [];
  if (lists.length > 3) problems.push(`bots[0].commandLists holds ${lists.length} lists; the limit is 3`);
  lists.forEach((list, i) => {
    const commands = list.commands ?? [];
    const at = `bots[0].commandLists[${i}]`;
    if (commands.length === 0 || commands.length > 10) {
      problems.push(`${at} has ${commands.length} commands; Teams shows 1 to 10 per list`);
    }
    commands.forEach((command, j) => {
      checkLength(problems, `${at}.commands[${j}].title`, command.title, 32);
      checkLength(problems, `${at}.commands[${j}].description`, command.description, 128);
    });
  });
  if ((manifest.validDomains ?? []).length > 16) problems.push('validDomains holds more than 16 entries');
  return problems;
}

/** The two icons the manifest names, checked for the sizes Teams requires. */
function readIcons(manifest) {
  const problems = [];
  const wanted = [
    { key: 'color', width: 192, height: 192 },
    { key: 'outline', width: 32, height: 32 },
  ];
  const files = [];
  for (const { key, width, height } of wanted) {
    const name = manifest.icons?.[key];
    if (typeof name !== 'string' || name.includes('/') || name.includes('\\')) {
      problems.push(`icons.${key} must name a file next to manifest.json, got ${JSON.stringify(name)}`);
      continue;
    }
    const path = join(teamsDir, name);
    if (!existsSync(path)) {
      problems.push(`teams/${name} is missing: run node scripts/make-teams-icons.mjs`);
      continue;
    }
    const data = readFileSync(path);
    const size = pngSize(data);
    if (!size) problems.push(`teams/${name} is not a PNG file`);
    else if (size.width !== width || size.height !== height) {
      problems.push(
        `teams/${name} is ${size.width}x${size.height}; the ${key} icon must be ${width}x${height}`,
      );
    } else files.push({ name, data });
  }
  return { files, problems };
}

// ZIP (PKWARE APPNOTE 6.3): each file is a local header followed by its data, then one central
// directory entry per file and an end-of-central-directory record. No ZIP64, no data descriptors,
// no encryption: three small files never need them. A fixed timestamp keeps builds reproducible.
// MS-DOS date: years since 1980 in bits 15-9, month in 8-5, day in 4-0; 2026-01-01 00:00:00.
const dosDate = ((2026 - 1980) << 9) | (1 << 5) | 1;
const dosTime = 0;

function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    // PNGs are already compressed; store whatever deflate does not shrink.
    const method = deflated.length < data.length ? 8 : 0;
    const body = method === 8 ? deflated : data;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed to extract: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18); // compressed size
    local.writeUInt32LE(data.length, 22); // uncompressed size
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header signature
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, spec 2.0 (so the mode below applies)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file, rw-r--r--
    central.writeUInt32LE(offset, 42); // where the local header starts
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries in total
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16); // where the central directory starts
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...locals, directory, end]);
}

async function main() {
  const args = readArgs();
  if (args.help) {
    console.log(usage);
    return;
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const values = resolveValues(args, pkg);

  let template;
  try {
    template = JSON.parse(readFileSync(join(teamsDir, 'manifest.json'), 'utf8'));
  } catch (err) {
    fail([`teams/manifest.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const unknown = new Set();
  const manifest = fillPlaceholders(fillCommands(template, await loadCommandMenu()), values, unknown);
  const problems = [...unknown].map(
    (name) => `teams/manifest.json uses {{${name}}}, which this script does not fill in`,
  );
  problems.push(...checkManifest(manifest, values));
  const icons = readIcons(manifest);
  problems.push(...icons.problems);
  if (problems.length > 0) fail(problems);

  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  // Belt and braces: what goes into the zip must read back as the object that was checked.
  JSON.parse(manifestText);

  const out = resolve(args.out ?? join(root, 'dist', 'vigil-teams.zip'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    zip([{ name: 'manifest.json', data: Buffer.from(manifestText, 'utf8') }, ...icons.files]),
  );
  const shown = relative(process.cwd(), out) || out;
  console.log(
    `wrote ${shown}: manifest.json (app ${values.MICROSOFT_APP_ID}, version ${values.PACKAGE_VERSION}, ` +
      `domain ${values.BOT_DOMAIN}), ${icons.files.map((f) => f.name).join(', ')}`,
  );
  console.log('Upload it in Teams: Apps → Manage your apps → Upload an app (see teams/README.md).');
}

await main();
