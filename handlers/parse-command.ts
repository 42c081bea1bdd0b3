import { echo } from '../src/chat/clean-text.js';
import { specFor, verbFor, type FlagName, type Verb } from './command-specs.js';
import { CommandSyntaxError, tokenize } from './tokenize.js';

export interface ParsedCommand {
  verb: Verb;
  /** Positional words after the verb, as typed (handlers lower-case cluster names and ids). */
  args: string[];
  flags: { expiring?: number; page?: number; chart?: true };
  /** `ack ID note`: the rest of the text, verbatim (apostrophes and `--` are part of a note). */
  note?: string;
}

export type ParseResult =
  | { ok: true; command: ParsedCommand }
  /** `verb` is set when the command was recognised, so the error can show its usage. */
  | { ok: false; problem: string; verb?: Verb; unknownWord?: string };

/** Commands longer than this are refused before parsing: nobody types a page into a slash command. */
export const MAX_COMMAND_CHARS = 1_000;

/** Flags that take no value: present or not. */
const switches: ReadonlySet<FlagName> = new Set<FlagName>(['chart']);

const flagRules: Record<Exclude<FlagName, 'chart'>, { min: number; max: number; hint: string }> = {
  expiring: {
    min: 0,
    max: 3650,
    hint: '--expiring needs a whole number of days from 0 to 3650, e.g. --expiring 30',
  },
  page: { min: 1, max: 1000, hint: '--page needs a page number from 1, e.g. --page 2' },
};

// Chat clients on macOS and iOS turn `--` into an em or en dash as people type.
const flagPrefix = /^(--|—|–)/;

function parseFlagValue(name: Exclude<FlagName, 'chart'>, raw: string | undefined): number | string {
  const rule = flagRules[name];
  if (raw === undefined || !/^\d{1,5}$/.test(raw)) return rule.hint;
  const n = Number(raw);
  return n < rule.min || n > rule.max ? rule.hint : n;
}

/** Splits command text into verb, arguments and flags, or says precisely what is wrong with it. */
export function parseCommand(text: string): ParseResult {
  if (text.length > MAX_COMMAND_CHARS) {
    return {
      ok: false,
      problem: `that command is ${text.length} characters long; commands are short, see help`,
    };
  }
  try {
    const head = tokenize(text, 1).tokens[0];
    if (!head) return { ok: true, command: { verb: 'help', args: [], flags: {} } };
    const verbWord = head.quoted ? '' : head.value.replace(flagPrefix, '');
    const verb = head.value === '-h' ? 'help' : verbFor(verbWord);
    if (!verb) return { ok: false, problem: `unknown command ${echo(head.value)}`, unknownWord: head.value };
    if (verb === 'ack') return parseAck(text);
    if (verb === 'mute') return parseRest('mute', text);
    return parseWords(
      verb,
      tokenize(text)
        .tokens.slice(1)
        .map((t) => ({ value: t.value, quoted: t.quoted })),
    );
  } catch (err) {
    if (err instanceof CommandSyntaxError) return { ok: false, problem: err.message };
    throw err;
  }
}

function parseAck(text: string): ParseResult {
  const { tokens, rest } = tokenize(text, 2);
  const id = tokens[1];
  if (!id) return { ok: false, problem: 'which alert? give its id, e.g. ack a7k2q', verb: 'ack' };
  let note = rest;
  // A note typed wholly in quotes loses them; anything else is kept as typed.
  try {
    const inner = tokenize(rest).tokens;
    if (inner.length === 1 && inner[0]?.quoted) note = inner[0].value;
  } catch {
    // An apostrophe that opens nothing ("'twas fine") is part of the note.
  }
  return { ok: true, command: { verb: 'ack', args: [id.value], flags: {}, ...(note ? { note } : {}) } };
}

/** A command whose words after the verb its handler parses itself (`mute`: handlers/parse-mute.ts). */
function parseRest(verb: Verb, text: string): ParseResult {
  const { rest } = tokenize(text, 1);
  return { ok: true, command: { verb, args: [], flags: {}, ...(rest ? { note: rest } : {}) } };
}

function parseWords(verb: Verb, words: { value: string; quoted: boolean }[]): ParseResult {
  const spec = specFor(verb);
  const args: string[] = [];
  const flags: ParsedCommand['flags'] = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.quoted || !flagPrefix.test(word.value)) {
      args.push(word.value);
      continue;
    }
    const [rawName = '', inlineValue] = word.value.replace(flagPrefix, '').split('=', 2);
    const name = rawName.toLowerCase() as FlagName;
    if (!spec.flags.includes(name)) {
      const allowed = spec.flags.length ? `; it takes ${spec.flags.map((f) => `--${f}`).join(', ')}` : '';
      return { ok: false, problem: `${spec.words[0]} has no option ${echo(word.value)}${allowed}`, verb };
    }
    if (flags[name] !== undefined) return { ok: false, problem: `--${name} is given twice`, verb };
    if (switches.has(name)) {
      if (inlineValue !== undefined) return { ok: false, problem: `--${name} takes no value`, verb };
      flags.chart = true;
      continue;
    }
    const numeric = name as Exclude<FlagName, 'chart'>;
    const value = parseFlagValue(numeric, inlineValue ?? words[++i]?.value);
    if (typeof value === 'string') return { ok: false, problem: value, verb };
    flags[numeric] = value;
  }
  if (args.length < spec.minArgs)
    return { ok: false, problem: `${spec.words[0]} needs more: ${spec.usage}`, verb };
  if (args.length > spec.maxArgs) {
    return { ok: false, problem: `unexpected ${echo(args[spec.maxArgs] ?? '')}: ${spec.usage}`, verb };
  }
  return { ok: true, command: { verb, args, flags } };
}
