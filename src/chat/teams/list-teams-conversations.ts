import type { ConversationKind, ConversationStore } from '../conversation-store.js';

/** One row of `vigil teams conversations`: what a route can name, and how to recognise it. */
export interface TeamsConversationRow {
  alias: string;
  kind: ConversationKind;
  /** "Platform SRE / Alerts", "DB migration", "Maria Garcia": names as Teams last sent them. */
  name: string;
  teamName?: string;
  channelName?: string;
  conversationId: string;
  storedAt: string;
  updatedAt: string;
}

/** Every conversation vigil may post to, by alias. */
export async function listTeamsConversations(store: ConversationStore): Promise<TeamsConversationRow[]> {
  const conversations = await store.list();
  return conversations.map((c) => ({
    alias: c.alias,
    kind: c.kind,
    name:
      c.kind === 'channel'
        ? `${c.teamName ?? '?'} / ${c.channelName ?? '?'}`
        : (c.title ?? (c.kind === 'group' ? 'group chat' : 'personal chat')),
    ...(c.teamName ? { teamName: c.teamName } : {}),
    ...(c.channelName ? { channelName: c.channelName } : {}),
    conversationId: c.conversationId,
    storedAt: c.storedAt,
    updatedAt: c.updatedAt,
  }));
}

/** Plain text table for a terminal: ALIAS, KIND, NAME, STORED AT. */
export function formatTeamsConversations(rows: TeamsConversationRow[]): string {
  if (rows.length === 0) {
    return 'No Teams conversations yet: add vigil to a team, group chat or personal chat (or @mention it in a channel).\n';
  }
  const table = [
    ['ALIAS', 'KIND', 'NAME', 'STORED AT'],
    ...rows.map((r) => [r.alias, r.kind, r.name, r.storedAt]),
  ];
  const widths = table[0]!.map((_, i) => table.reduce((w, row) => Math.max(w, row[i]!.length), 0));
  return (
    table
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
