#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listedChecks } from './checks/check-names.js';
import { runCheckCommand, writeChunks, type CheckCommandOptions } from './cli/check-command.js';
import { defaultConfigPath, loadConfig } from './config/load-config.js';
import { ConfigError } from './domain/config-error.js';
import { VigilError } from './domain/vigil-error.js';

const usage = `vigil: Kubernetes ${listedChecks('one')} alerts for Slack and Teams

Usage:
  vigil check [--config FILE] [--cluster NAME]... [--only CHECK]... [--output table|json] [--problems-only]
  vigil demo  [--port PORT]    the whole bot on simulated clusters, with a local web chat, until Ctrl-C
  vigil demo  --once [--only CHECK]... [--output table|json] [--problems-only]
                               one \`vigil check\` of the simulated clusters (--output json implies --once)
  vigil serve [--config FILE]  the bot: scheduled checks, alerts and commands in Slack, Teams or the web chat
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
