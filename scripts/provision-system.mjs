// `node scripts/provision-system.mjs redis-server docker-registry htpasswd chromium`: finds or fetches
// the programs the tests and the demo run (src/system/resolve-system-binary.ts) and prints their paths.
// The logic is TypeScript under src/system; tsx (a devDependency) loads it.
import { tsImport } from 'tsx/esm/api';

const { runProvisionSystem } = await tsImport('../src/system/run-provision-system.ts', import.meta.url);
process.exitCode = await runProvisionSystem(process.argv.slice(2));
