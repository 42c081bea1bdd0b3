import { describe, expect, it } from 'vitest';
import { buildReply } from '../../../handlers/build-reply.js';
import { cleanText, echo } from '../../../src/chat/clean-text.js';
import { handleCommand } from '../../../handlers/handle-command.js';
import { parseCommand } from '../../../handlers/parse-command.js';
import { bidiControls, zeroWidth } from '../../fixtures/hostile/invisible-text.js';
import { makeAlert, makeDeps, slackCommand, textOf } from './handler-fixtures.js';

describe('untrusted input', () => {
  it('quotes an unknown word as plain text, bounded, so <!channel> pings nobody', async () => {
    const reply = await handleCommand(slackCommand('<!channel> wake up'), makeDeps().deps);
    expect(reply.private).toBe(true);
    // Plain text: the renderer escapes < and > (ReplyMessage contract); the handler never adds markup.
    expect(reply.title).toBe('Sorry, unknown command "<!channel>"');
    expect(textOf(reply)).not.toContain('wake up');
  });

  it('never echoes more than a bounded length of what was typed', async () => {
    const long = `x${'A'.repeat(900)}`;
    const t = makeDeps();
    for (const text of [
      long,
      `certs ${long}`,
      `certs prod --${long}`,
      `snooze a7k2q ${long}`,
      `ack ${long}`,
      `history ${long}`,
    ]) {
      const reply = await handleCommand(slackCommand(text), t.deps);
      expect(textOf(reply), text.slice(0, 20)).not.toContain('A'.repeat(60));
    }
  });

  it('strips control and bidi characters from echoes and notes', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const unknown = await handleCommand(slackCommand('cer\u202Ets\u0007'), t.deps);
    expect(unknown.title).toBe('Sorry, unknown command "cer ts"');
    await handleCommand(slackCommand('ack a7k2q on it\n\n*fake* line\u202E'), t.deps);
    expect((await t.alerts.get('a7k2q'))?.acknowledged?.note).toBe('on it *fake* line');
  });

  it('bounds a long snooze duration before the lifecycle quotes it back', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleCommand(slackCommand(`snooze a7k2q ${'9'.repeat(30)}h`), t.deps);
    expect(reply.title).toBe(`Cannot snooze a7k2q for "${'9'.repeat(19)}…"`);
    expect(textOf(reply)).not.toContain('9'.repeat(25));
  });

  it('cuts by code points, never inside an emoji', () => {
    expect(cleanText('🔥🔥🔥', 2)).toBe('🔥…');
    expect(echo('a\tb\r\nc')).toBe('"a b c"');
  });

  it('keeps every reply line and section within chat limits, counting escaped width', () => {
    const reply = buildReply({
      title: 't'.repeat(500),
      sections: [{ heading: 'h', lines: Array.from({ length: 40 }, () => '<'.repeat(400)) }],
    });
    expect(reply.title.length).toBeLessThanOrEqual(150);
    expect(reply.sections.length).toBeGreaterThan(1);
    for (const s of reply.sections) {
      const escaped = s.lines.join('\n').replace(/</g, '&lt;');
      expect(escaped.length).toBeLessThan(3000);
      for (const l of s.lines) expect(Array.from(l).length).toBeLessThanOrEqual(300);
    }
    expect(reply.sections.flatMap((s) => s.lines)).toHaveLength(40);
    expect(reply.sections[0]?.heading).toBe('h');
  });

  it('a word of only zero-width or format characters is no word (never `unexpected ""`)', async () => {
    const t = makeDeps();
    const invisibles = [...Object.values(zeroWidth), ...bidiControls];
    for (const c of invisibles) {
      const name = `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`;
      expect(parseCommand(`certs prod ${c}${c}`), name).toMatchObject({
        ok: true,
        command: { verb: 'certificates', args: ['prod'] },
      });
      // Alone it is an empty command: help, as for no text at all.
      expect(parseCommand(c), name).toMatchObject({ ok: true, command: { verb: 'help' } });
      const reply = await handleCommand(slackCommand(`clusters ${c}`), t.deps);
      expect(textOf(reply), name).not.toContain('""');
    }
  });

  it('zero-width characters inside a word are dropped: the word reads as it looks', () => {
    expect(parseCommand(`cer${zeroWidth.space}ts ${zeroWidth.joiner}prod`)).toMatchObject({
      ok: true,
      command: { verb: 'certificates', args: ['prod'] },
    });
    const ack = parseCommand(`ack a7k2q ${zeroWidth.space}`);
    expect(ack).toMatchObject({ ok: true, command: { verb: 'ack', args: ['a7k2q'] } });
    expect(ack.ok && ack.command.note).toBeUndefined();
  });
});
