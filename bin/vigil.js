#!/usr/bin/env node
// The `vigil` executable: runs the compiled CLI when present (`npm run build`, the container image),
// otherwise the TypeScript sources through tsx (a source checkout).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/main.js', import.meta.url);
let main;
if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../src/main.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
