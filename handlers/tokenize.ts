import { isInvisible, stripZeroWidth } from '../src/chat/clean-text.js';

/** One word of a command, with where it was in the text (so a note can be taken verbatim). */
export interface Token {
  value: string;
  start: number;
  end: number;
  quoted: boolean;
}

export interface Tokenized {
  tokens: Token[];
  /** The untouched text after the last token read, when `limit` stopped early. */
  rest: string;
}

/** A command that cannot be split into words; the message is safe to show (echoes nothing). */
export class CommandSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandSyntaxError';
  }
}

// Slack and Teams clients on macOS/iOS turn "..." into “...” as people type, so curly quotes close
// whichever quote opened the word.
const doubleQuotes = new Set(['"', '“', '”', '„']);
const singleQuotes = new Set(["'", '‘', '’']);

function closingSet(open: string): Set<string> | undefined {
  if (doubleQuotes.has(open)) return doubleQuotes;
  if (singleQuotes.has(open)) return singleQuotes;
  return undefined;
}

/**
 * Splits on whitespace; a word that starts with a quote runs to the matching quote (`ack a1 "on it"`).
 * Quotes inside a word are literal, so `it's` needs no escaping. With `limit`, stops after that many
 * words and returns the rest of the text as is.
 *
 * Zero-width characters are removed first (positions refer to the text without them), and an
 * unquoted word of nothing but control or format characters is no word: what the user sees is what
 * is parsed, never an `unexpected ""` for something that looks like nothing.
 */
export function tokenize(typed: string, limit = Infinity): Tokenized {
  const text = stripZeroWidth(typed);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length && tokens.length < limit) {
    if (/\s/.test(text[i] ?? '')) {
      i++;
      continue;
    }
    const start = i;
    const closers = closingSet(text[i] ?? '');
    if (closers) {
      let j = i + 1;
      while (j < text.length && !closers.has(text[j] ?? '')) j++;
      if (j >= text.length) {
        throw new CommandSyntaxError('a quote is not closed; end the quoted words with the same quote');
      }
      tokens.push({ value: text.slice(i + 1, j), start, end: j + 1, quoted: true });
      i = j + 1;
      continue;
    }
    while (i < text.length && !/\s/.test(text[i] ?? '')) i++;
    const value = text.slice(start, i);
    if (!isInvisible(value)) tokens.push({ value, start, end: i, quoted: false });
  }
  const rest = text.slice(i).trim();
  return { tokens, rest: isInvisible(rest) ? '' : rest };
}
