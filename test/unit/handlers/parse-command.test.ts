import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_CHARS, parseCommand } from '../../../handlers/parse-command.js';
import { tokenize } from '../../../handlers/tokenize.js';

function parsed(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problem}`);
  return result.command;
}

function problem(text: string) {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected ${text} to fail`);
  return result;
}

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted words together, straight or curly', () => {
    expect(tokenize('  ack   a1  "on it now" ').tokens.map((t) => t.value)).toEqual([
      'ack',
      'a1',
      'on it now',
    ]);
    expect(tokenize('ack a1 “on it”').tokens.map((t) => t.value)).toEqual(['ack', 'a1', 'on it']);
    expect(tokenize("ack a1 'on it'").tokens.map((t) => t.value)).toEqual(['ack', 'a1', 'on it']);
  });

  it('treats quotes inside a word as literal', () => {
    expect(tokenize("it's fine").tokens.map((t) => t.value)).toEqual(["it's", 'fine']);
  });

  it('refuses an unclosed quote', () => {
    expect(() => tokenize('certs "prod')).toThrow(/quote is not closed/);
  });

  it('stops after `limit` words and returns the rest verbatim', () => {
    expect(tokenize('ack a1   on it -- "really"', 2)).toMatchObject({ rest: 'on it -- "really"' });
  });
});

describe('parseCommand', () => {
  it('answers help for empty text, help, ? and --help', () => {
    for (const text of ['', '   ', 'help', 'HELP', '?', '--help', '-h'])
      expect(parsed(text).verb).toBe('help');
  });

  it('knows every command and its aliases, case-insensitively', () => {
    const cases: [string, string][] = [
      ['certs prod', 'certificates'],
      ['Certificates prod', 'certificates'],
      ['sts prod', 'statefulsets'],
      ['statefulsets', 'statefulsets'],
      ['registries', 'registries'],
      ['regs', 'registries'],
      ['alerts', 'alerts'],
      ['ack a1', 'ack'],
      ['acknowledge a1', 'ack'],
      ['snooze a1 4h', 'snooze'],
      ['check prod', 'check'],
      ['clusters', 'clusters'],
      ['history a1', 'history'],
    ];
    for (const [text, verb] of cases) expect(parsed(text).verb, text).toBe(verb);
  });

  it('reads --expiring and --page, as separate words or with =, in any order', () => {
    expect(parsed('certs prod --expiring 30')).toMatchObject({ args: ['prod'], flags: { expiring: 30 } });
    expect(parsed('certs --expiring=7 prod --page 2')).toMatchObject({
      args: ['prod'],
      flags: { expiring: 7, page: 2 },
    });
    expect(parsed('certs --EXPIRING 0')).toMatchObject({ args: [], flags: { expiring: 0 } });
  });

  it('reads --chart as a switch that takes no value, beside the other flags', () => {
    expect(parsed('certs prod --chart')).toMatchObject({ args: ['prod'], flags: { chart: true } });
    expect(parsed('certs --chart prod')).toMatchObject({ args: ['prod'], flags: { chart: true } });
    expect(parsed('certs —chart --expiring 30')).toMatchObject({
      args: [],
      flags: { chart: true, expiring: 30 },
    });
    expect(problem('certs --chart=yes').problem).toBe('--chart takes no value');
    expect(problem('certs --chart --chart').problem).toBe('--chart is given twice');
    expect(problem('sts prod --chart').problem).toMatch(/has no option "--chart"/);
  });

  it('accepts the em dash that chat clients substitute for --', () => {
    expect(parsed('certs prod —expiring 30').flags.expiring).toBe(30);
    expect(parsed('certs prod –page 3').flags.page).toBe(3);
  });

  it('rejects bad --expiring values with the fix', () => {
    for (const text of [
      'certs prod --expiring',
      'certs prod --expiring soon',
      'certs --expiring -3',
      'certs --expiring 99999',
      'certs --expiring 2.5',
    ]) {
      const p = problem(text);
      expect(p.problem, text).toMatch(/--expiring needs a whole number of days from 0 to 3650/);
      expect(p.verb).toBe('certificates');
    }
    expect(problem('certs --page 0').problem).toMatch(/--page needs a page number/);
  });

  it('rejects unknown flags, naming the flags the command takes', () => {
    expect(problem('certs prod --all').problem).toBe(
      'certs has no option "--all"; it takes --expiring, --chart, --page',
    );
    expect(problem('clusters --page 2').problem).toBe('clusters has no option "--page"');
    expect(problem('sts --expiring 3').problem).toMatch(
      /statefulsets has no option "--expiring"; it takes --page/,
    );
  });

  it('rejects a flag given twice', () => {
    expect(problem('certs --page 1 --page 2').problem).toBe('--page is given twice');
  });

  it('checks the number of arguments against the usage', () => {
    expect(problem('certs prod staging').problem).toBe(
      'unexpected "staging": certs [cluster] [--expiring DAYS] [--chart]',
    );
    expect(problem('check').problem).toBe(
      'check needs more: check CLUSTER [certs|sts|registries|host-certs]',
    );
    expect(problem('snooze a1').problem).toMatch(/snooze needs more/);
    expect(problem('ack').problem).toMatch(/which alert/);
  });

  it('keeps a quoted word that looks like a flag as an argument', () => {
    expect(parsed('history "--page"')).toMatchObject({ args: ['--page'] });
  });

  it('takes the ack note verbatim, apostrophes and dashes included', () => {
    expect(parsed("ack A7K2Q it's the -- renewal job")).toMatchObject({
      args: ['A7K2Q'],
      note: "it's the -- renewal job",
    });
    expect(parsed('ack a1 "on it"').note).toBe('on it');
    expect(parsed("ack a1 'twas fine").note).toBe("'twas fine");
    expect(parsed('ack a1').note).toBeUndefined();
  });

  it('lets snooze take a spaced duration such as "2 hours"', () => {
    expect(parsed('snooze a1 2 hours').args).toEqual(['a1', '2', 'hours']);
  });

  it('names an unknown command and reports unclosed quotes', () => {
    expect(problem('frobnicate prod')).toMatchObject({
      problem: 'unknown command "frobnicate"',
      unknownWord: 'frobnicate',
    });
    expect(problem('certs "prod').problem).toMatch(/quote is not closed/);
  });

  it('refuses over-long text before parsing it', () => {
    expect(problem('certs '.padEnd(MAX_COMMAND_CHARS + 1, 'x')).problem).toMatch(/characters long/);
  });
});
