import type { Check, CommandFlag } from '../src/checks/check.js';
import { resolveCheckName } from '../src/checks/check-names.js';
import { allChecks } from '../src/checks/index.js';
import type { RunnableCheckName } from '../src/domain/finding.js';
import { muteUsage } from './parse-mute.js';

/** The commands that are not a check's listing. */
export type FixedVerb =
  'alerts' | 'ack' | 'snooze' | 'mute' | 'mutes' | 'unmute' | 'check' | 'clusters' | 'history' | 'help';

/** Every `/k8s` command: a check's listing is named after the check (`/k8s sts` is `statefulsets`). */
export type Verb = RunnableCheckName | FixedVerb;

export type FlagName = CommandFlag | 'page';

export interface CommandSpec {
  verb: Verb;
  /** Words that select it, lower case; the first is the one shown in help. */
  words: readonly string[];
  usage: string;
  description: string;
  flags: readonly FlagName[];
  minArgs: number;
  maxArgs: number;
  /** Its entry in chat clients' command menus (the Teams app's, see command-menu.ts), if any. */
  menu?: { title: string; description: string };
  /** The check whose latest results it lists (every check has one such command). */
  check?: Check;
}

type FixedSpec = Omit<CommandSpec, 'verb' | 'check'> & { verb: FixedVerb };

/** A check's listing: from its registry entry. Every listing takes a cluster and `--page`. */
function listingSpec(check: Check): CommandSpec {
  const { command } = check;
  return {
    verb: check.name,
    words: command.words,
    usage: command.usage,
    description: command.description,
    flags: [...command.flags, 'page'],
    minArgs: 0,
    maxArgs: 1,
    ...(command.menu ? { menu: { title: `${command.short} prod`, description: command.menu } } : {}),
    check,
  };
}

function fixedSpecs(checks: readonly Check[]): FixedSpec[] {
  return [
    {
      verb: 'alerts',
      words: ['alerts', 'alert'],
      usage: 'alerts [cluster]',
      description: 'open alerts, worst first, with their ids',
      flags: ['page'],
      minArgs: 0,
      maxArgs: 1,
      menu: { title: 'alerts', description: 'Open alerts, worst first, with their ids.' },
    },
    {
      verb: 'ack',
      words: ['ack', 'acknowledge'],
      usage: 'ack ID [note]',
      description: 'acknowledge an alert; the note is shown on the alert',
      flags: [],
      minArgs: 1,
      maxArgs: 1,
      menu: { title: 'ack ID note', description: 'Acknowledge an alert; the note is shown on the alert.' },
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
      menu: { title: 'snooze ID 4h', description: 'Silence an alert for a while, e.g. 30m, 4h, 1d.' },
    },
    // The Teams menu holds 10 commands and has 10 (CONTRIBUTING.md): the mute commands work typed.
    {
      verb: 'mute',
      words: ['mute'],
      usage: muteUsage,
      description: 'hold the alerts of a cluster (or all) for a while; still firing ones are announced after',
      flags: [],
      minArgs: 2,
      // The rest is the reason and the --check/--severity options, parsed by parse-mute.ts.
      maxArgs: Infinity,
    },
    {
      verb: 'mutes',
      words: ['mutes'],
      usage: 'mutes',
      description: 'the mutes and maintenance windows in force, with their ids and ends',
      flags: [],
      minArgs: 0,
      maxArgs: 0,
    },
    {
      verb: 'unmute',
      words: ['unmute'],
      usage: 'unmute ID',
      description: 'end a mute now, e.g. unmute m3',
      flags: [],
      minArgs: 1,
      maxArgs: 1,
    },
    {
      verb: 'check',
      words: ['check', 'run'],
      usage: `check CLUSTER [${checks.map((c) => c.command.short).join('|')}]`,
      description: 'run the checks now; the result is posted here when done',
      flags: [],
      minArgs: 1,
      maxArgs: 2,
      menu: {
        title: 'check prod',
        description: 'Run the checks on a cluster now; the result is posted here when done.',
      },
    },
    {
      verb: 'clusters',
      words: ['clusters', 'cluster'],
      usage: 'clusters',
      description: 'the clusters vigil watches and when each was last checked',
      flags: [],
      minArgs: 0,
      maxArgs: 0,
      menu: { title: 'clusters', description: 'The clusters vigil watches and when each was last checked.' },
    },
    {
      verb: 'history',
      words: ['history', 'log'],
      usage: 'history ID',
      description: 'what happened to an alert, newest first',
      flags: ['page'],
      minArgs: 1,
      maxArgs: 1,
      menu: { title: 'history ID', description: 'What happened to an alert, newest first.' },
    },
    {
      verb: 'help',
      words: ['help', '?'],
      usage: 'help',
      description: 'this list',
      flags: [],
      minArgs: 0,
      maxArgs: 0,
      menu: { title: 'help', description: 'Every command, with its options.' },
    },
  ];
}

/**
 * Every `/k8s` command, one table that drives the parser, the help text, the usage hints and the
 * command menu: each registered check's listing first (src/checks/index.ts), then the rest.
 */
export function commandSpecsFor(checks: readonly Check[]): readonly CommandSpec[] {
  return [...checks.map(listingSpec), ...fixedSpecs(checks)];
}

export const commandSpecs: readonly CommandSpec[] = commandSpecsFor(allChecks);

export function specFor(verb: Verb): CommandSpec {
  const spec = commandSpecs.find((s) => s.verb === verb);
  if (!spec) throw new Error(`no spec for ${verb}`);
  return spec;
}

/** The command a word selects; check words go through resolveCheckName so the CLI and chat agree. */
export function verbFor(word: string): Verb | undefined {
  const check = resolveCheckName(word);
  if (check) return check;
  const w = word.toLowerCase();
  return commandSpecs.find((s) => s.words.includes(w))?.verb;
}
