/** Quotes for /bin/sh: inside single quotes nothing is special except the quote itself. */
function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface Launcher {
  /** The real executable, inside the unpacked package. */
  readonly executable: string;
  /** Prepended to LD_LIBRARY_PATH: the unpacked libraries the machine lacks. */
  readonly libraryPath: readonly string[];
  /** Set unless the caller already set them (e.g. FONTCONFIG_FILE for fonts unpacked alongside). */
  readonly defaults?: Readonly<Record<string, string>>;
  readonly comment: string;
}

/**
 * A /bin/sh script that sets the environment and `exec`s the unpacked program: callers get one path
 * (what spawn(), execFile() or a browser driver's executablePath take) and no environment to carry.
 * exec keeps the pid, so a signal sent to the child reaches the program itself, and argv[0] stays
 * the program's own path (redis-server picks its role from it).
 */
export function launcherScript(launcher: Launcher): string {
  const lines = ['#!/bin/sh', ...launcher.comment.split('\n').map((l) => `# ${l}`)];
  if (launcher.libraryPath.length > 0) {
    lines.push(
      `LD_LIBRARY_PATH=${shQuote(launcher.libraryPath.join(':'))}\${LD_LIBRARY_PATH:+":$LD_LIBRARY_PATH"}`,
      'export LD_LIBRARY_PATH',
    );
  }
  for (const [name, value] of Object.entries(launcher.defaults ?? {})) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
    lines.push(`[ -n "\${${name}:-}" ] || ${name}=${shQuote(value)}`, `export ${name}`);
  }
  lines.push(`exec ${shQuote(launcher.executable)} "$@"`, '');
  return lines.join('\n');
}
