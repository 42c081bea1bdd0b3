// An ESM `--import` hook that records which npm packages a process loads: every specifier that
// resolves into a node_modules folder, by package name, and how many of our own modules it loaded.
// Used by test/e2e/cli-module-graph.test.ts (which commands load which SDK) and
// bench/cli-startup.ts. Synchronous hooks (module.registerHooks) see `import`, dynamic `import()`
// and `require` alike. Written to the file named by VIGIL_RECORD_PACKAGES when the process exits:
//   { "packages": { "zod": 95, ... }, "ownModules": 67 }
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.VIGIL_RECORD_PACKAGES;
if (!out) throw new Error('record-loaded-packages.mjs: set VIGIL_RECORD_PACKAGES to the file to write');

const urls = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    urls.add(resolved.url);
    return resolved;
  },
});

process.on('exit', () => {
  const packages = {};
  let ownModules = 0;
  for (const url of urls) {
    if (!url.startsWith('file:')) continue;
    const at = url.lastIndexOf('/node_modules/');
    if (at < 0) {
      ownModules += 1;
      continue;
    }
    const name = /^(@[^/]+\/[^/]+|[^/@][^/]*)/.exec(url.slice(at + '/node_modules/'.length))?.[1];
    if (name) packages[name] = (packages[name] ?? 0) + 1;
  }
  writeFileSync(out, `${JSON.stringify({ packages, ownModules })}\n`);
});
