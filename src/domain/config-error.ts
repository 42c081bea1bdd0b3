import { VigilError } from './vigil-error.js';

export interface ConfigProblem {
  /** Dotted key such as `clusters[0].name`, or the file itself. */
  key: string;
  message: string;
}

/** Every problem of a config at once, so an operator fixes the file in one pass (house rule 1). */
export class ConfigError extends VigilError {
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n');
    super('config-invalid', `${file} has ${problems.length} problem(s):\n${lines}`);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}
