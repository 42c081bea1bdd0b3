import { execFile } from 'node:child_process';

export interface RunToolOptions {
  cwd?: string;
  /** Kills the tool after this long: provisioning is bounded in time, a stuck mirror fails it. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a system tool (apt-get, dpkg-deb) without a shell and resolves with its stdout. A failure
 * names the command and ends with the tool's last stderr lines, which say why (404, no space, ...).
 */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        // C locale: the output is parsed (src/system/plan-apt-packages.ts).
        env: { ...(options.env ?? process.env), LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why =
          err.killed || err.signal === 'SIGKILL'
            ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
            : stderr
                .split('\n')
                .filter((l) => l.trim() && !l.startsWith('W: '))
                .slice(-6)
                .join('; ') || err.message;
        reject(new Error(`${describe(command, args)}: ${why}`));
      },
    );
  });
}

/** `apt-get download a b c (+164 more)`: the command without its `-o` settings, short enough to read. */
function describe(command: string, args: readonly string[]): string {
  const visible = args.filter((a, i) => a !== '-o' && args[i - 1] !== '-o');
  const shown = visible.length > 8 ? [...visible.slice(0, 8), `(+${visible.length - 8} more)`] : visible;
  return [command, ...shown].join(' ');
}
