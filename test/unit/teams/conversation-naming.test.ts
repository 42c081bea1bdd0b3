import { describe, expect, it } from 'vitest';
import { commandText } from '../../../src/chat/teams/command-text.js';
import {
  aliasCandidates,
  baseConversationId,
  describeConversation,
  slug,
} from '../../../src/chat/teams/conversation-naming.js';
import { conversationAliasPattern } from '../../../src/chat/conversation-store.js';
import {
  channel,
  conversationUpdateActivity,
  groupChat,
  messageActivity,
  personalChat,
} from '../../fakes/teams/inbound-activities.js';

const serviceUrl = 'https://smba.trafficmanager.net/emea/';

function describeActivity(
  activity: ReturnType<typeof messageActivity> | ReturnType<typeof conversationUpdateActivity>,
) {
  return describeConversation(activity as never);
}

describe('default aliases', () => {
  it('names a channel <team>-<channel> and stores the channel without its thread suffix', () => {
    const { details, aliases } = describeActivity(
      messageActivity({ serviceUrl, conversation: channel('Alerts'), text: 'help', id: '42' }),
    );
    expect(details).toMatchObject({
      kind: 'channel',
      conversationId: '19:alerts@thread.tacv2',
      teamId: '19:team-general@thread.tacv2',
      teamName: 'Platform SRE',
      channelName: 'Alerts',
      tenantId: expect.any(String),
    });
    expect(details.reference).toEqual({
      channelId: 'msteams',
      serviceUrl,
      bot: expect.objectContaining({ id: expect.stringMatching(/^28:/) }),
      conversation: {
        id: '19:alerts@thread.tacv2',
        conversationType: 'channel',
        tenantId: expect.any(String),
        isGroup: true,
      },
    });
    expect(aliases[0]).toBe('platform-sre-alerts');
  });

  it('calls the unnamed General channel "general"', () => {
    const { details, aliases } = describeActivity(
      conversationUpdateActivity({ serviceUrl, conversation: channel('General') }),
    );
    expect(details.channelName).toBe('General');
    expect(aliases[0]).toBe('platform-sre-general');
  });

  it('names group chats by topic and personal chats by person', () => {
    expect(
      describeActivity(
        conversationUpdateActivity({ serviceUrl, conversation: groupChat('DB migration (Q4)') }),
      ).aliases[0],
    ).toBe('chat-db-migration-q4');
    expect(
      describeActivity(conversationUpdateActivity({ serviceUrl, conversation: personalChat() })).aliases[0],
    ).toBe('dm-maria-garcia');
    expect(
      describeActivity(conversationUpdateActivity({ serviceUrl, conversation: groupChat('') })).aliases[0],
    ).toBe('chat-group');
  });

  it('every candidate is a valid alias, distinct, and the last one cannot collide', () => {
    const long = {
      kind: 'channel' as const,
      conversationId: '19:x',
      teamName: 'Ü'.repeat(10) + 'x'.repeat(80),
      channelName: '日本語',
    };
    const candidates = aliasCandidates(long);
    expect(new Set(candidates).size).toBe(candidates.length);
    for (const c of candidates) expect(c).toMatch(conversationAliasPattern);
    expect(candidates[0]).toMatch(/-channel$/);
    expect(candidates.at(-1)).not.toBe(aliasCandidates({ ...long, conversationId: '19:y' }).at(-1));
  });

  it('slugs names', () => {
    expect(slug('Platform SRE / Alerts!')).toBe('platform-sre-alerts');
    expect(slug('Équipe Réseau')).toBe('equipe-reseau');
    expect(slug('日本語')).toBe('');
  });

  it('strips the thread suffix Teams puts on channel messages', () => {
    expect(baseConversationId('19:abc@thread.tacv2;messageid=1700000000001')).toBe('19:abc@thread.tacv2');
    expect(baseConversationId('a:1xyz')).toBe('a:1xyz');
  });
});

describe('commandText', () => {
  it('drops the bot mention, keeps other mentions by name, and undoes HTML', () => {
    const activity = messageActivity({
      serviceUrl,
      conversation: channel('Alerts'),
      text: 'ack a7k2q <at>Bob Smith</at> has it &amp; more',
    });
    expect(commandText(activity as never)).toBe('ack a7k2q Bob Smith has it & more');
    expect(activity.text).toContain('<at>vigil</at>');
  });

  it('reads a personal chat message as typed, and decodes entities once', () => {
    const activity = messageActivity({
      serviceUrl,
      conversation: personalChat(),
      text: '<div>certs   prod</div> &amp;lt; &#x41;',
    });
    expect(commandText(activity as never)).toBe('certs prod &lt; A');
  });
});
