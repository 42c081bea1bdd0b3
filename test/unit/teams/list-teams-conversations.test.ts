import { describe, expect, it } from 'vitest';
import { formatTeamsConversations, listTeamsConversations } from '../../../src/chat/teams/index.js';
import { tuneConnectorClient } from '../../../src/chat/teams/tune-connector-client.js';
import { MemoryConversationStore } from '../../fakes/teams/memory-conversation-store.js';

describe('listTeamsConversations', () => {
  it('lists what routes can name, with readable names, by alias', async () => {
    const store = new MemoryConversationStore();
    const at = new Date('2026-11-21T10:00:00Z');
    await store.remember(
      {
        kind: 'channel',
        conversationId: '19:a@thread.tacv2',
        teamName: 'Platform SRE',
        channelName: 'Alerts',
        reference: {},
      },
      ['platform-sre-alerts'],
      at,
    );
    await store.remember(
      { kind: 'personal', conversationId: 'a:1x', title: 'Maria Garcia', reference: {} },
      ['dm-maria-garcia'],
      at,
    );
    await store.remember(
      { kind: 'group', conversationId: '19:g@thread.v2', reference: {} },
      ['chat-group'],
      at,
    );
    const rows = await listTeamsConversations(store);
    expect(rows.map((r) => [r.alias, r.kind, r.name])).toEqual([
      ['chat-group', 'group', 'group chat'],
      ['dm-maria-garcia', 'personal', 'Maria Garcia'],
      ['platform-sre-alerts', 'channel', 'Platform SRE / Alerts'],
    ]);
    const table = formatTeamsConversations(rows);
    expect(table.split('\n')[0]).toMatch(/^ALIAS\s+KIND\s+NAME\s+STORED AT$/);
    expect(table).toContain('platform-sre-alerts  channel   Platform SRE / Alerts  2026-11-21T10:00:00.000Z');
  });

  it('says how to get a first conversation when there is none', async () => {
    expect(formatTeamsConversations(await listTeamsConversations(new MemoryConversationStore()))).toContain(
      'add vigil to a team',
    );
  });
});

describe('tuneConnectorClient', () => {
  it('reports a connector it cannot tune instead of failing', () => {
    expect(tuneConnectorClient(undefined, 1000)).toBe(false);
    expect(tuneConnectorClient({ client: {} }, 1000)).toBe(false);
  });

  it('removes the retry phase once and adds a timeout', () => {
    const policies: { name: string; phase?: string }[] = [{ name: 'defaultRetryPolicy', phase: 'Retry' }];
    const pipeline = {
      addPolicy: (p: { name: string }) => policies.push(p),
      removePolicy: ({ phase }: { phase: string }) =>
        policies.splice(0, policies.length, ...policies.filter((p) => p.phase !== phase)),
      getOrderedPolicies: () => policies,
    };
    expect(tuneConnectorClient({ client: { pipeline } }, 1000)).toBe(true);
    expect(tuneConnectorClient({ client: { pipeline } }, 1000)).toBe(true);
    expect(policies.map((p) => p.name)).toEqual(['vigilRequestTimeout']);
  });
});
