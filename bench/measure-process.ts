import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';

/** Wall time and peak RSS of a child process tree (GNU time when present, else /proc polling). */

export interface Measured {
  wallMs: number;
  peakRssMb: number;
  /** User plus system CPU of the process tree (GNU time's %U + %S); NaN without GNU time. */
  cpuMs: number;
  exitCode: number;
  stderr: string;
}

export const hasGnuTime = (() => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.includes('GNU');
})();

/** Child pids of every process, from /proc/PID/stat (field 4 is the parent pid). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone in the meantime.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command with stdout to a file, returning wall time (spawn to exit, measured here) and the
 * peak RSS of the largest process in its tree.
 */
export function measure(cmd: string, argv: string[], stdoutFile: string, cwd: string): Promise<Measured> {
  const out = openSync(stdoutFile, 'w');
  const timeFile = `${stdoutFile}.time`;
  const [file, fileArgs] = hasGnuTime
    ? ['/usr/bin/time', ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...argv]]
    : [cmd, argv];
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(file, fileArgs, { cwd, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (c: string) => (stderr += c));
    let polledKb = 0;
    const poll = hasGnuTime
      ? undefined
      : setInterval(() => {
          if (child.pid === undefined) return;
          for (const pid of descendants(child.pid)) polledKb = Math.max(polledKb, vmHwmKb(pid));
        }, 10);
    child.on('error', rej);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (poll) clearInterval(poll);
      closeSync(out);
      let peakKb = polledKb;
      let cpuMs = NaN;
      if (hasGnuTime) {
        const fields = (readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ');
        peakKb = Number(fields[1]);
        cpuMs = (Number(fields[2]) + Number(fields[3])) * 1000;
      }
      res({ wallMs, peakRssMb: peakKb / 1024, cpuMs, exitCode: code ?? -1, stderr });
    });
  });
}

// ---------------------------------------------------------------- checking what the tools returned
