import type { Activity } from 'botbuilder';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The command as typed, out of a Teams message. In channels and group chats the text starts with
 * the bot's mention (`<at>vigil</at> certs prod`), which is dropped using the mention entity; other
 * mentions keep their name (`ack a7k2q <at>Maria</at> has it` →
 * `ack a7k2q Maria has it`). Teams sends the text HTML-escaped and sometimes wrapped in markup
 * (pasted or formatted text), so tags are dropped and entities decoded in one pass, so that a typed
 * "&lt;" stays "&lt;" for the handlers.
 */
export function commandText(activity: Partial<Activity>): string {
  return withoutBotMention(activity)
    .replace(/<at[^>]*>(.*?)<\/at>/gi, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (match, name: string) => decodeEntity(match, name))
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * TurnContext.removeRecipientMention, minus its crashes: it reads `mentioned.id` and `type` of every
 * entity unchecked (a mention without `mentioned` threw a TypeError, test/fixtures/hostile/
 * teams-activities.ts) and replaced the word "undefined" when the mention had no text.
 */
function withoutBotMention(activity: Partial<Activity>): string {
  const text = typeof activity.text === 'string' ? activity.text : '';
  const id = activity.recipient?.id;
  if (!id || !Array.isArray(activity.entities)) return text;
  const mention = activity.entities.find((e: unknown) => {
    const m = e as { type?: unknown; mentioned?: { id?: unknown }; text?: unknown } | null;
    return (
      typeof m?.type === 'string' &&
      m.type.toLowerCase() === 'mention' &&
      m.mentioned?.id === id &&
      typeof m.text === 'string'
    );
  }) as { text: string } | undefined;
  return mention ? text.replace(mention.text, '').trim() : text;
}

function decodeEntity(match: string, name: string): string {
  if (name.startsWith('#')) {
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  return ENTITIES[name.toLowerCase()] ?? match;
}
