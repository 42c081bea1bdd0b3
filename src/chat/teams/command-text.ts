import { TurnContext, type Activity } from 'botbuilder';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The command as typed, out of a Teams message. In channels and group chats the text starts with
 * the bot's mention (`<at>vigil</at> certs prod`), which TurnContext.removeRecipientMention drops
 * using the mention entity; other mentions keep their name (`ack a7k2q <at>Maria</at> has it` →
 * `ack a7k2q Maria has it`). Teams sends the text HTML-escaped and sometimes wrapped in markup
 * (pasted or formatted text), so tags are dropped and entities decoded in one pass, so that a typed
 * "&lt;" stays "&lt;" for the handlers.
 */
export function commandText(activity: Partial<Activity>): string {
  // removeRecipientMention edits the activity it is given; work on a copy.
  const copy = { ...activity, text: activity.text ?? '' } as Activity;
  const withoutBot = activity.recipient?.id ? TurnContext.removeRecipientMention(copy) : copy.text;
  return (withoutBot ?? '')
    .replace(/<at[^>]*>(.*?)<\/at>/gi, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (match, name: string) => decodeEntity(match, name))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntity(match: string, name: string): string {
  if (name.startsWith('#')) {
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  return ENTITIES[name.toLowerCase()] ?? match;
}
