#!/usr/bin/env -S node --max-semi-space-size=1 --heap-growing-percent=50
// The `vigil` executable: runs the compiled CLI when present (`npm run build`, the container image),
// otherwise the TypeScript sources through tsx (a source checkout). The node flags keep peak memory
// flat: a small young generation (large clusters, BENCHMARKS.md "TLS Secret scan at scale"), and a
// heap that grows by half its live size at most between full GCs instead of up to four times, which
// let slash-command garbage pile up past 300 MB while 60 MB were live. No forced GC is needed: the
// Secret reader (src/kube/decode-secret-list.ts) leaves little garbage.
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  // Node 24 is the runtime (DOMAIN.md section 6): older ones lack what vigil and its dependencies use.
  console.error(
    `vigil needs Node.js 24 (this is ${process.version}). In a source checkout run it through npx or npm ` +
      '(`npx vigil ...`), which use the Node 24 the project installs; otherwise install Node.js 24 LTS.',
  );
  process.exit(3);
}

const compiled = new URL('../dist/src/main.js', import.meta.url);
let runCli;
if (existsSync(compiled)) {
  ({ runCli } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import(new URL('../src/main.ts', import.meta.url).href));
}
// Not awaited here: runCli sets the exit code itself and reports a run that never finished, which
// an awaited promise would turn into Node's "unsettled top-level await" and exit 13.
runCli(process.argv.slice(2));
