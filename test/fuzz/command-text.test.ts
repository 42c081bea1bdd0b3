import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../handlers/parse-command.js';
import { commandText } from '../../src/chat/teams/command-text.js';
import { bidiControls, zeroWidth } from '../fixtures/hostile/invisible-text.js';
import { hostileTeamsActivities } from '../fixtures/hostile/teams-activities.js';
import { fuzzParams, outcomeOf, tally } from './fuzz-run.js';

/**
 * Slash-command and Teams message text: parseCommand never throws, and every refusal is a sentence
 * that names the word and shows no control or bidi character the user typed. Teams text goes through
 * commandText (mentions, markup, entities) first, with whatever mention entities the activity has.
 */
const words = [
  'certs',
  'alerts',
  'ack',
  'snooze',
  'check',
  'clusters',
  'history',
  'help',
  'statefulsets',
  'registries',
  'prod',
  'a7k2q',
  '--expiring',
  '—expiring',
  '–page',
  '--page',
  '--expiring=30',
  '--page=0',
  '-h',
  '--',
  '30',
  '99999',
  '-1',
  '1e3',
  '0x10',
  'NaN',
  '=',
  '"',
  "'",
  '“',
  '”',
  '„',
  '‘',
  '’',
  "it's",
  '"on it"',
  '<@U0MARIA>',
  '<!channel>',
  '&lt;',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '&#9999999;',
  '<at>vigil</at>',
  '<b>',
  '</at>',
  '<at',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\u0000',
  '\u2028',
  '🙂',
  'é',
  '\uD800',
  ...Object.values(zeroWidth),
  ...bidiControls,
];
const typed = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(' ')) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(1000), 'a'.repeat(1001), `ack x ${'"'.repeat(990)}`) },
);

const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const t = tally('command-text');

function checkParse(text: string): string {
  const parsed = parseCommand(text);
  if (parsed.ok) return `ok:${parsed.command.verb}`;
  expect(parsed.problem.trim().length).toBeGreaterThan(0);
  expect(parsed.problem).not.toMatch(invisible);
  expect(parsed.problem.length).toBeLessThan(400);
  return parsed.verb
    ? `refused:${parsed.verb}`
    : parsed.unknownWord !== undefined
      ? 'refused:unknown-word'
      : 'refused';
}

describe('fuzz: command text', () => {
  it.each(hostileTeamsActivities)(
    'replays the Teams activity found by fuzzing: $name',
    ({ activity, text }) => {
      expect(commandText(activity)).toBe(text);
    },
  );

  it('parseCommand answers every slash-command text without throwing', () => {
    fc.assert(
      fc.property(typed, (text) => {
        outcomeOf(t, () => checkParse(text));
      }),
      fuzzParams(800),
    );
  });

  it('Teams text with any markup and mention entities becomes a command or a refusal', () => {
    const mention = fc.record(
      {
        type: fc.constantFrom('mention', 'clientInfo', 'Mention'),
        text: fc.oneof(fc.constantFrom('<at>vigil</at>', '<at>', '(', '[a-', '<at>.*</at>', ''), fc.string()),
        mentioned: fc.option(
          fc.record({ id: fc.constantFrom('28:bot', '29:maria', ''), name: fc.string() }),
          {
            nil: undefined,
          },
        ),
      },
      { requiredKeys: ['type'] },
    );
    const activity = fc.record(
      {
        text: fc.option(typed, { nil: undefined }),
        recipient: fc.option(fc.record({ id: fc.constantFrom('28:bot', ''), name: fc.constant('vigil') }), {
          nil: undefined,
        }),
        entities: fc.option(fc.array(mention, { maxLength: 3 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(activity, (a) => {
        outcomeOf(t, () => checkParse(commandText(a as never)));
      }),
      fuzzParams(800),
    );
  });
});
