#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listedChecks, resolveCheckName } from './checks/check-names.js';
import { certificatesConfigSchema } from './checks/certificates/certificates-config.js';
import { hostCertificatesCheckName } from './checks/host-certificates/host-check-name.js';
import { hostCertificatesConfigSchema } from './checks/host-certificates/host-certificates-config.js';
import { runCheckCommand, writeChunks, type CheckCommandOptions } from './cli/check-command.js';
import { runHostCheckCommand } from './cli/host-check-command.js';
import { defaultConfigPath, loadConfig } from './config/load-config.js';
import { ConfigError } from './domain/config-error.js';
import { VigilError } from './domain/vigil-error.js';

const usage = `vigil: Kubernetes ${listedChecks('one')} alerts for Slack and Teams

Usage:
  vigil check [--config FILE] [--cluster NAME]... [--only CHECK]... [--output table|json] [--problems-only]
  vigil check --host-root DIR [--config FILE] [--cluster NAME] [--output table|json]
                               this node's certificate files under DIR (/ on the node), listed as
                               \`kubeadm certs check-expiration\` lists them, plus kubelet, k3s and RKE2:
                               the host-certificates check only (no API, no kubeconfig needed)
  vigil demo  [--port PORT]    the whole bot on simulated clusters, with a local web chat, until Ctrl-C
  vigil demo  --once [--only CHECK]... [--output table|json] [--problems-only]
                               one \`vigil check\` of the simulated clusters (--output json implies --once)
  vigil serve [--config FILE]  the bot: scheduled checks, alerts and commands in Slack, Teams or the web chat
  vigil agent [--once] [--host-root DIR]
                               on each node: reports its certificate files to the Redis of vigil serve
                               (VIGIL_CLUSTER, NODE_NAME, REDIS_URL; the host root defaults to
                               VIGIL_HOST_ROOT, else /host)
  vigil teams conversations    the Teams conversations vigil knows, with the aliases routes use

Exit status of check: 0 all ok, 1 worst is warning, 2 worst is critical, 3 unknown or error.
Config: vigil.yaml in the current directory unless --config is given (README.md "Configuration").`;

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
function loadConfigFrom(explicit: string | undefined) {
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

/**
 * `vigil check --host-root DIR`: the host-certificates check on this node's files. vigil.yaml is
 * optional here (a control-plane node rarely has one): when given or present, its `certificates:`
 * thresholds and `hostCertificates:` apply; the API checks need a kubeconfig and do not run.
 */
async function hostCheck(values: ReturnType<typeof parse>['values']): Promise<number> {
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
  const config =
    values.config !== undefined || existsSync(defaultConfigPath)
      ? loadConfigFrom(values.config)
      : {
          certificates: certificatesConfigSchema.parse(undefined),
          hostCertificates: hostCertificatesConfigSchema.parse(undefined),
        };
  const { output } = commandOptions(values);
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
    process.stderr.write(`vigil: ${(err as Error).message}\n\n${usage}\n`);
    return 3;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return command || parsed.values.help ? 0 : 3;
  }
  try {
    switch (command) {
      case 'check': {
        if (parsed.values['host-root'] !== undefined) return await hostCheck(parsed.values);
        const config = loadConfigFrom(parsed.values.config);
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
        const config = loadConfigFrom(parsed.values.config);
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
        process.stderr.write(`vigil: unknown command "${command}"\n\n${usage}\n`);
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
