import { resolveCheckName } from '../src/checks/check-names.js';

/** Every `/k8s` command: one table that drives the parser, the help text and the usage hints. */
export type Verb =
  | 'certs'
  | 'statefulsets'
  | 'registries'
  | 'alerts'
  | 'ack'
  | 'snooze'
  | 'check'
  | 'clusters'
  | 'history'
  | 'help';

export type FlagName = 'expiring' | 'page';

export interface CommandSpec {
  verb: Verb;
  /** Words that select it, lower case; the first is the one shown in help. */
  words: string[];
  usage: string;
  description: string;
  flags: FlagName[];
  minArgs: number;
  maxArgs: number;
}

export const commandSpecs: readonly CommandSpec[] = [
  {
    verb: 'certs',
    words: ['certs', 'cert', 'certificates', 'certificate'],
    usage: 'certs [cluster] [--expiring DAYS]',
    description:
      'certificates that need attention, soonest first (--expiring: all expiring within DAYS days)',
    flags: ['expiring', 'page'],
    minArgs: 0,
    maxArgs: 1,
  },
  {
    verb: 'statefulsets',
    words: ['statefulsets', 'statefulset', 'sts'],
    usage: 'statefulsets|sts [cluster]',
    description: 'StatefulSets that are not ready, and what blocks them',
    flags: ['page'],
    minArgs: 0,
    maxArgs: 1,
  },
  {
    verb: 'registries',
    words: ['registries', 'registry', 'regs'],
    usage: 'registries [cluster]',
    description: 'container registries that cannot be pulled from',
    flags: ['page'],
    minArgs: 0,
    maxArgs: 1,
  },
  {
    verb: 'alerts',
    words: ['alerts', 'alert'],
    usage: 'alerts [cluster]',
    description: 'open alerts, worst first, with their ids',
    flags: ['page'],
    minArgs: 0,
    maxArgs: 1,
  },
  {
    verb: 'ack',
    words: ['ack', 'acknowledge'],
    usage: 'ack ID [note]',
    description: 'acknowledge an alert; the note is shown on the alert',
    flags: [],
    minArgs: 1,
    maxArgs: 1,
  },
  {
    verb: 'snooze',
    words: ['snooze'],
    usage: 'snooze ID DURATION',
    description: 'silence an alert for a while, e.g. 30m, 4h, 1d',
    flags: [],
    minArgs: 2,
    // `snooze a1 2 hours`: the duration may be two words.
    maxArgs: 3,
  },
  {
    verb: 'check',
    words: ['check', 'run'],
    usage: 'check CLUSTER [certs|sts|registries]',
    description: 'run the checks now; the result is posted here when done',
    flags: [],
    minArgs: 1,
    maxArgs: 2,
  },
  {
    verb: 'clusters',
    words: ['clusters', 'cluster'],
    usage: 'clusters',
    description: 'the clusters vigil watches and when each was last checked',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
  },
  {
    verb: 'history',
    words: ['history', 'log'],
    usage: 'history ID',
    description: 'what happened to an alert, newest first',
    flags: ['page'],
    minArgs: 1,
    maxArgs: 1,
  },
  {
    verb: 'help',
    words: ['help', '?'],
    usage: 'help',
    description: 'this list',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
  },
];

export function specFor(verb: Verb): CommandSpec {
  const spec = commandSpecs.find((s) => s.verb === verb);
  if (!spec) throw new Error(`no spec for ${verb}`);
  return spec;
}

const verbOfCheck = {
  certificates: 'certs',
  statefulsets: 'statefulsets',
  registries: 'registries',
} as const;

/** The command a word selects; check names go through resolveCheckName so the CLI and chat agree. */
export function verbFor(word: string): Verb | undefined {
  const check = resolveCheckName(word);
  if (check) return verbOfCheck[check];
  const w = word.toLowerCase();
  return commandSpecs.find((s) => s.words.includes(w))?.verb;
}
