import { VigilError } from './vigil-error.js';

export interface ConfigProblem {
  /** Dotted key such as `clusters[0].name`, or the file itself. */
  key: string;
  message: string;
}

/** How many problems the message lists; a 5 MB broken file once wrote 22 MB of them to stderr. */
export const maxListedProblems = 50;
const maxLineLength = 500;

/**
 * Every problem of a config at once, so an operator fixes the file in one pass (README.md
 * "Configuration"). `problems` holds them all; the message lists the first 50 and counts the rest.
 */
export class ConfigError extends VigilError {
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const listed = problems.slice(0, maxListedProblems).map((p) => clip(`  - ${p.key}: ${p.message}`));
    const rest = problems.length - listed.length;
    if (rest > 0) listed.push(`  … and ${rest} more problem(s) not listed; fix these first and run again`);
    super('config-invalid', `${file} has ${problems.length} problem(s):\n${listed.join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

function clip(line: string): string {
  return line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line;
}
