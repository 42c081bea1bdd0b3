#!/usr/bin/env node
// Only what every command needs is imported here: each command imports its own modules when it
// runs, so `vigil --help` starts without the Kubernetes client, `vigil check` without the chat and
// queue SDKs (BENCHMARKS.md "CLI start-up"; test/e2e/cli-module-graph.test.ts keeps it so).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import type { CheckCommandOptions } from './cli/check-command.js';
import { ConfigError } from './domain/config-error.js';
import { VigilError } from './domain/vigil-error.js';

/** The usage text, imported on demand: it names the checks, and the registry is not free to load. */
async function usage(): Promise<string> {
  return (await import('./cli/usage.js')).usage;
}

const options = {
  config: { type: 'string', short: 'c' },
  cluster: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o', default: 'table' },
  'problems-only': { type: 'boolean', default: false },
  'no-color': { type: 'boolean', default: false },
  'host-root': { type: 'string' },
  once: { type: 'boolean', default: false },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

function commandOptions(values: ReturnType<typeof parse>['values']): CheckCommandOptions {
  const output = values.output;
  if (output !== 'table' && output !== 'json') {
    throw new VigilError('cli-bad-output', `--output must be "table" or "json", not "${output}"`);
  }
  return {
    clusters: (values.cluster ?? []).flatMap((c) => c.split(',')).filter(Boolean),
    only: (values.only ?? []).flatMap((c) => c.split(',')).filter(Boolean),
    output,
    problemsOnly: values['problems-only'] ?? false,
    color: !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
}

function demoPort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new VigilError(
      'cli-bad-port',
      `--port (or VIGIL_DEMO_PORT) must be a port from 0 to 65535, not "${raw.slice(0, 20)}"`,
    );
  }
  return port;
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

/**
 * Every way the config can fail ends here as a ConfigError (exit 3, no stack trace): an unexpected
 * exception from reading or parsing is still a config problem, and bin/vigil.js would report an
 * escaped one as exit 1, which monitoring reads as "warning".
 */
async function loadConfigFrom(explicit: string | undefined) {
  const { defaultConfigPath, loadConfig } = await import('./config/load-config.js');
  const path = explicit ?? defaultConfigPath;
  if (explicit === undefined && !existsSync(path)) {
    throw new ConfigError(path, [
      {
        key: path,
        message:
          'no config file in the current directory; copy vigil.example.yaml to vigil.yaml, or pass --config FILE (try `vigil demo` first)',
      },
    ]);
  }
  if (explicit !== undefined && explicit.trim() === '') {
    throw new ConfigError('--config', [
      {
        key: '--config',
        message: 'is empty; pass the path of the config file, e.g. --config /etc/vigil/vigil.yaml',
      },
    ]);
  }
  try {
    return loadConfig(path);
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new ConfigError(path, [
      {
        key: path,
        message: `cannot be loaded: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
      },
    ]);
  }
}

/** The thresholds `vigil check --host-root` applies when there is no vigil.yaml: the defaults. */
async function defaultHostCheckConfig() {
  const { certificatesConfigSchema } = await import('./checks/certificates/certificates-config.js');
  const { hostCertificatesConfigSchema } =
    await import('./checks/host-certificates/host-certificates-config.js');
  return {
    certificates: certificatesConfigSchema.parse(undefined),
    hostCertificates: hostCertificatesConfigSchema.parse(undefined),
  };
}

/** `vigil --version`: the version of the package this file belongs to. */
async function version(): Promise<string> {
  return (await import('./cli/vigil-version.js')).vigilVersion(import.meta.url);
}

/**
 * `vigil check --host-root DIR`: the host-certificates check on this node's files. vigil.yaml is
 * optional here (a control-plane node rarely has one): when given or present, its `certificates:`
 * thresholds and `hostCertificates:` apply; the API checks need a kubeconfig and do not run.
 */
async function hostCheck(values: ReturnType<typeof parse>['values']): Promise<number> {
  const { resolveCheckName } = await import('./checks/check-names.js');
  const { hostCertificatesCheckName } = await import('./checks/host-certificates/host-check-name.js');
  const hostRoot = values['host-root'] ?? '/';
  const others = (values.only ?? [])
    .flatMap((c) => c.split(','))
    .filter((c) => c !== '' && resolveCheckName(c) !== hostCertificatesCheckName);
  if (others.length > 0) {
    throw new VigilError(
      'cli-host-root-only',
      `--host-root runs the ${hostCertificatesCheckName} check only; drop --only ${others.join(', ')} (the other checks read a cluster's API: run them without --host-root)`,
    );
  }
  const clusters = (values.cluster ?? []).flatMap((c) => c.split(',')).filter(Boolean);
  if (clusters.length > 1) {
    throw new VigilError('cli-host-root-cluster', '--host-root reads one node: pass at most one --cluster');
  }
  const { defaultConfigPath } = await import('./config/load-config.js');
  const config =
    values.config !== undefined || existsSync(defaultConfigPath)
      ? await loadConfigFrom(values.config)
      : await defaultHostCheckConfig();
  const { output } = commandOptions(values);
  const { writeChunks } = await import('./cli/check-command.js');
  const { runHostCheckCommand } = await import('./cli/host-check-command.js');
  const result = await runHostCheckCommand(config, {
    hostRoot,
    output,
    ...(clusters[0] !== undefined ? { cluster: clusters[0] } : {}),
  });
  await writeChunks(process.stdout, result.output());
  return result.exitCode;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`vigil: ${(err as Error).message}\n\n${await usage()}\n`);
    return 3;
  }
  const [command] = parsed.positionals;
  if (parsed.values.version && !parsed.values.help) {
    process.stdout.write(`vigil ${await version()}\n`);
    return 0;
  }
  if (parsed.values.help || !command) {
    process.stdout.write(`${await usage()}\n`);
    return command || parsed.values.help ? 0 : 3;
  }
  try {
    switch (command) {
      case 'check': {
        // bin/vigil.js caps heap growth at 50 % for the long-lived commands (serve keeps its RSS
        // flat under slash-command garbage). A one-shot check is better off with V8's default
        // growth: the cap only added full GCs, 0.77 s against 0.67 s for a 10,000-Secret scan at
        // the same peak RSS (BENCHMARKS.md "TLS Secret scan at scale").
        setFlagsFromString('--heap-growing-percent=0');
        if (parsed.values['host-root'] !== undefined) return await hostCheck(parsed.values);
        const config = await loadConfigFrom(parsed.values.config);
        const { runCheckCommand, writeChunks } = await import('./cli/check-command.js');
        const result = await runCheckCommand(config, commandOptions(parsed.values));
        await writeChunks(process.stdout, result.output());
        return result.exitCode;
      }
      case 'demo': {
        const v = parsed.values;
        // The check options only make sense for the one-shot table.
        const once = v.once || v.output === 'json' || (v.only?.length ?? 0) > 0 || v['problems-only'];
        if (once) {
          // Loaded lazily: the demo brings the simulated cluster, which `check` never needs.
          const { runDemo } = await import('./demo/run-demo.js');
          return await runDemo(commandOptions(v));
        }
        const port = demoPort(v.port ?? process.env['VIGIL_DEMO_PORT']);
        const { runLiveDemo } = await import('./demo/run-live-demo.js');
        return await runLiveDemo(port === undefined ? {} : { port, portExplicit: true });
      }
      case 'serve': {
        const config = await loadConfigFrom(parsed.values.config);
        // Loaded lazily: `check` and `demo` never need Redis, BullMQ or the Slack SDK.
        const { runServe } = await import('./serve/run-serve.js');
        return await runServe(config);
      }
      case 'agent': {
        // Loaded lazily: only the agent needs it. It reads no config file: its environment says all.
        if (parsed.values.config !== undefined) {
          throw new VigilError(
            'cli-agent-config',
            'vigil agent reads no config file: its environment says everything (VIGIL_CLUSTER, NODE_NAME, REDIS_URL, VIGIL_HOST_CERTIFICATES; README.md "Host certificates")',
          );
        }
        const { readAgentEnv } = await import('./agent/agent-env.js');
        const { runAgent } = await import('./agent/run-agent.js');
        const hostRoot = parsed.values['host-root'];
        const env = readAgentEnv(
          hostRoot !== undefined ? { ...process.env, VIGIL_HOST_ROOT: hostRoot } : process.env,
        );
        return await runAgent(env, { once: parsed.values.once ?? false });
      }
      case 'teams': {
        const sub = parsed.positionals[1];
        if (sub !== 'conversations') {
          throw new VigilError(
            'cli-unknown-command',
            `unknown teams command "${sub ?? ''}"; try: vigil teams conversations`,
          );
        }
        const { runTeamsConversations } = await import('./serve/run-teams-conversations.js');
        return await runTeamsConversations();
      }
      default:
        process.stderr.write(`vigil: unknown command "${command}"\n\n${await usage()}\n`);
        return 3;
    }
  } catch (err) {
    if (err instanceof VigilError) {
      process.stderr.write(`vigil: ${err.userMessage}\n`);
      return 3;
    }
    throw err;
  }
}

/**
 * Runs main() as the process: its result becomes the exit code, an unexpected error is reported on
 * one line and exits 3. main() must settle; if the event loop ever runs dry before it does (a
 * promise nobody will resolve), that is said and the exit is 3 too, never Node's bare "unsettled
 * top-level await" (exit 13) nor a silent 0. bin/vigil.js and `node src/main.ts` both come here.
 */
export function runCli(argv: string[]): void {
  let settled = false;
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write('vigil: stopped before finishing: nothing was left to wait for (a bug in vigil)\n');
    process.exitCode = 3;
  });
  main(argv).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (err: unknown) => {
      settled = true;
      process.stderr.write(
        `vigil: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 3;
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/main.ts')) {
  runCli(process.argv.slice(2));
}
