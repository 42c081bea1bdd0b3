import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  digestAsReply,
  type ActionRequest,
  type AlertMessage,
  type CommandRequest,
  type DigestMessage,
  type PostedRef,
  type ReplyMessage,
} from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import type { ChatPlatform } from '../../src/chat/chat-platform.js';
import type { Alert, AlertState, ChatPlatformName } from '../../src/domain/alert.js';
import { buildGroupMessage } from '../../src/chat/build-group-message.js';

/**
 * What every chat platform must do, asserted the same way for each (ARCHITECTURE.md: "a new chat
 * platform is one folder under src/chat/ that passes the same contract tests as Slack and Teams").
 * A harness puts the real adapter in front of that platform's fake over HTTP and answers questions
 * in the platform's own terms: what a person sees of a message, what counts as live markup there.
 */
export interface ChatPlatformHarness {
  readonly name: ChatPlatformName;
  readonly platform: ChatPlatform;
  /** A destination as routes name it, where posting works. */
  readonly destination: string;
  /** A destination the platform reports as unreachable for good (bot removed, channel gone). */
  readonly lostDestination: string;
  /** Whether the platform can look up an earlier post (Slack can; the Bot Connector cannot). */
  readonly canFindPosted: boolean;
  /** What a reader sees of the posted message now, and the labels of its buttons; undefined if absent. */
  seen(ref: PostedRef): Promise<{ text: string; actions: string[] } | undefined>;
  /** What a reader sees of a posted digest now (all its text); undefined if absent. */
  seenDigest(ref: PostedRef): Promise<string | undefined>;
  /** Everything a reader in the destination sees of a notice (ChatPlatform.announce); undefined if absent. */
  noticeSeen(ref: PostedRef): Promise<string | undefined>;
  /** How many top-level messages the destination holds. */
  messageCount(): Promise<number>;
  /** Lines posted about the message after it: its thread, or the chat for platforms without threads. */
  followUps(ref: PostedRef): Promise<string[]>;
  /**
   * The next call answers 429 with Retry-After. Only platforms reached over a network have one to
   * fail; a harness without it runs the contract with `transportFaults: false`.
   */
  rateLimitNext?(retryAfterSeconds: number): void;
  /** The next call answers this HTTP status. */
  failNext?(status: number): void;
  /** Sends `text` as a user types a command (`/k8s …`, `@vigil …`); returns what the adapter handed the handler. */
  typeCommand(text: string): Promise<CommandRequest>;
  /** Presses a button on the rendered message; returns what the adapter handed the handler. */
  press(
    ref: PostedRef,
    action: { kind: 'ack' } | { kind: 'snooze'; duration: string } | { kind: 'chart' },
  ): Promise<ActionRequest>;
  /**
   * Presses the message's Chart button, the handler answering with `reply` (which carries an
   * image); returns what the adapter handed the handler and the picture a reader then sees.
   */
  pressChart(ref: PostedRef, reply: ReplyMessage): Promise<{ request: ActionRequest; seen: SeenImage }>;
  /** Problems the platform would have with these rendered messages (size, schema); empty when fine. */
  alertProblems(message: AlertMessage): string[];
  replyProblems(reply: ReplyMessage): string[];
  /** All text a reader sees in the rendered reply, every page. */
  replyText(reply: ReplyMessage): string;
  /**
   * Answers a command with `reply` (which carries an image) the way the platform delivers it, and
   * returns the picture a reader then sees where the command was typed, with its alt text; or the
   * note shown instead when the picture cannot travel.
   */
  answerWithImage(reply: ReplyMessage): Promise<SeenImage>;
  /** Links and mentions the platform would make live in the rendered alert (its own markup rules). */
  liveMarkup(message: AlertMessage): string[];
  close(): Promise<void>;
}

/** A member alert of a group message, as the store holds it. */
function groupMember(id: string, severity: 'warning' | 'critical'): Alert {
  const at = new Date(Date.now() - 30 * 60_000).toISOString();
  const object = `statefulset db/${id}`;
  return {
    id,
    fingerprint: `fp-${id}`,
    cluster: 'prod',
    check: 'statefulsets',
    source: 'statefulset',
    object,
    state: 'firing',
    severity,
    finding: {
      cluster: 'prod',
      check: 'statefulsets',
      severity,
      source: 'statefulset',
      object,
      summary: `StatefulSet ${object} stuck: 1/3 ready`,
      fingerprint: `fp-${id}`,
    },
    openedAt: at,
    changedAt: at,
    lastSeenAt: at,
    okRuns: 0,
    seq: 1,
  };
}

export type SeenImage = { png: Uint8Array; alt: string; title: string } | { note: string };

const hostile =
  '<!channel> <@U0BOSS> <https://evil.example|click> [click](https://evil.example) <at>everyone</at> ${{x}}';

export function alertFixture(overrides: Partial<AlertMessage> = {}): AlertMessage {
  const alertId = overrides.alertId ?? 'c0ntr';
  return {
    kind: 'alert',
    alertId,
    severity: 'critical',
    state: 'firing',
    cluster: 'prod',
    check: 'certificates',
    title: 'secret shop/web-tls: CN=shop.example.com expires in 3 days',
    object: 'secret shop/web-tls tls.crt',
    since: new Date(Date.now() - 47 * 60_000).toISOString(),
    evidence: ['notAfter 2026-11-24T09:00Z', 'issuer CN=Example CA'],
    blastRadius: ['ingress shop/web'],
    nextStep: 'cmctl renew -n shop web-tls',
    status: 'Firing, critical',
    actions: [
      { kind: 'ack', alertId },
      { kind: 'snooze', alertId, durations: ['1h', '4h', '24h'] },
      { kind: 'chart', alertId },
    ],
    ...overrides,
  };
}

/** Rejects when `promise` has not settled in `ms` (a command or click that never reached a handler). */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} reached the handler in ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function deliveryError(promise: Promise<unknown>): Promise<ChatDeliveryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatDeliveryError);
    return error as ChatDeliveryError;
  }
  throw new Error('expected the call to fail');
}

/** What the contract can exercise: declared per platform, so a missing part is visible, not skipped. */
export interface ContractCapabilities {
  /**
   * The platform's calls cross a network that can answer 429 and 5xx (Slack, Teams). The web chat
   * delivers in-process: nothing between the outbox and its board can be rate-limited or down, so
   * those tests do not apply to it, and its harness has nothing to inject them with.
   */
  transportFaults: boolean;
}

export function chatPlatformContract(
  makeHarness: () => Promise<ChatPlatformHarness>,
  capabilities: ContractCapabilities = { transportFaults: true },
): void {
  let h: ChatPlatformHarness;
  const faults = () => {
    const { rateLimitNext, failNext } = h;
    if (!rateLimitNext || !failNext) throw new Error(`the ${h.name} harness cannot inject transport faults`);
    return { rateLimitNext: rateLimitNext.bind(h), failNext: failNext.bind(h) };
  };
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('delivery', () => {
    it('posts one message showing every part of the alert, with its buttons', async () => {
      const before = await h.messageCount();
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'post1' }));
      expect(ref.platform).toBe(h.name);
      expect(ref.messageId).not.toBe('');
      expect(await h.messageCount()).toBe(before + 1);
      const seen = await h.seen(ref);
      for (const part of [
        'CN=shop.example.com expires in 3 days',
        'prod',
        'secret shop/web-tls tls.crt',
        'post1',
        'notAfter 2026-11-24T09:00Z',
        'ingress shop/web',
        'cmctl renew -n shop web-tls',
        'Firing, critical',
      ]) {
        expect(seen?.text).toContain(part);
      }
      expect(seen?.actions.some((a) => /acknowledge/i.test(a))).toBe(true);
      expect(seen?.actions.some((a) => /1 h/.test(a))).toBe(true);
    });

    it('updates the same message in place, and a resolved alert has no buttons', async () => {
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'upd1' }));
      const before = await h.messageCount();
      await h.platform.update(
        ref,
        alertFixture({ alertId: 'upd1', state: 'acknowledged', status: 'Acknowledged by Maria' }),
      );
      expect((await h.seen(ref))?.text).toContain('Acknowledged by Maria');
      await h.platform.update(
        ref,
        alertFixture({ alertId: 'upd1', state: 'resolved', status: 'Resolved after 2 hours', actions: [] }),
      );
      const seen = await h.seen(ref);
      expect(seen?.text).toContain('Resolved after 2 hours');
      expect(seen?.actions).toEqual([]);
      expect(await h.messageCount()).toBe(before);
    });

    it('posts a group summary, with each member by id and no buttons, and edits it in place as members change', async () => {
      const members = Array.from({ length: 200 }, (_, i) =>
        groupMember(`m${String(i).padStart(3, '0')}`, i < 2 ? 'critical' : 'warning'),
      );
      const group = {
        id: 'grp77',
        platform: h.name,
        destination: h.destination,
        key: 'cluster=prod,check=statefulsets',
        labels: { cluster: 'prod', check: 'statefulsets' },
        openedAt: members[0]!.openedAt,
        members: members.map((m) => m.id),
      };
      const message = buildGroupMessage(group, members, '/k8s');
      expect(h.alertProblems(message)).toEqual([]);
      const before = await h.messageCount();
      const ref = await h.platform.post(h.destination, message);
      expect(await h.messageCount()).toBe(before + 1);
      const seen = await h.seen(ref);
      for (const part of [
        '200 open alerts on prod (statefulsets): 2 critical, 198 warning',
        'm000 critical',
        'and 190 more open',
        '/k8s alerts prod',
        'grp77',
      ]) {
        expect(seen?.text).toContain(part);
      }
      expect(seen?.actions).toEqual([]);
      const later = members.map((m, i) => (i < 150 ? { ...m, state: 'resolved' as const } : m));
      await h.platform.update(ref, buildGroupMessage(group, later, '/k8s'));
      expect((await h.seen(ref))?.text).toContain(
        '50 open alerts on prod (statefulsets): 50 warning; 150 resolved',
      );
      expect(await h.messageCount()).toBe(before + 1);
    });

    it('adds a line about the message (its thread, where the platform has threads)', async () => {
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'rep1' }));
      await h.platform.reply(ref, 'acknowledged by Maria: on it');
      expect((await h.followUps(ref)).some((l) => l.includes('acknowledged by Maria: on it'))).toBe(true);
    });

    it('announces a notice about several alerts to everyone there, never taken for an alert message', async () => {
      const since = new Date(Date.now() - 60_000);
      const ref = await h.platform.announce(h.destination, {
        kind: 'notice',
        title: 'Mute m1 by Maria (upgrading) ended: 2 alerts still firing',
        lines: [
          'critical · prod · note1 · secret shop/web-tls expires in 3 days',
          `warning · prod · note2 · ${hostile}`,
          '1 more alert resolved while muted; not posted.',
        ],
        footer: 'ended 2026-11-21 12:05 UTC',
      });
      expect(ref.platform).toBe(h.name);
      expect(ref.messageId).not.toBe('');
      const seen = await h.noticeSeen(ref);
      for (const part of [
        'Mute m1 by Maria (upgrading) ended: 2 alerts still firing',
        'critical · prod · note1 · secret shop/web-tls expires in 3 days',
        'warning · prod · note2',
        '1 more alert resolved while muted; not posted.',
        'ended 2026-11-21 12:05 UTC',
      ]) {
        expect(seen).toContain(part);
      }
      // It carries no alert id: the outbox's search for an alert's earlier post must not find it.
      expect(await h.platform.findPosted(h.destination, 'note1', since)).toBeNull();
    });

    it('findPosted finds the message where the platform can search, and is null where it cannot', async () => {
      const since = new Date(Date.now() - 60_000);
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'find1' }));
      const found = await h.platform.findPosted(h.destination, 'find1', since);
      if (h.canFindPosted) expect(found?.messageId).toBe(ref.messageId);
      else expect(found).toBeNull();
    });
  });

  describe('failures are classified for the outbox', () => {
    if (capabilities.transportFaults) {
      it('429 is rate-limited, retryable, with the Retry-After in ms', async () => {
        faults().rateLimitNext(3);
        const error = await deliveryError(h.platform.post(h.destination, alertFixture()));
        expect(error).toMatchObject({ code: 'chat-rate-limited', retryable: true, retryAfterMs: 3000 });
      });

      it.each([500, 502, 503])('HTTP %i is retryable', async (status) => {
        faults().failNext(status);
        const error = await deliveryError(h.platform.post(h.destination, alertFixture()));
        expect(error.retryable).toBe(true);
      });
    }

    it('a destination the bot cannot reach any more is permanent and says where', async () => {
      const error = await deliveryError(h.platform.post(h.lostDestination, alertFixture()));
      expect(error.retryable).toBe(false);
      expect(['chat-not-found', 'chat-forbidden']).toContain(error.code);
      expect(error.userMessage.length).toBeGreaterThan(20);
    });
  });

  describe('inbound', () => {
    it('parses a command into the words as typed, the user and the conversation', async () => {
      const req = await h.typeCommand('certs prod');
      expect(req).toMatchObject({ platform: h.name, text: 'certs prod', user: { kind: h.name } });
      expect(req.user.id).not.toBe('');
      expect(req.channel).not.toBe('');
    });

    it('hands over text with markup characters exactly as typed', async () => {
      const req = await h.typeCommand('ack a7k2q db & cache <ok>');
      expect(req.text).toBe('ack a7k2q db & cache <ok>');
    });

    it('parses the Acknowledge and Snooze buttons of a posted alert', async () => {
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'btn1' }));
      const ack = await h.press(ref, { kind: 'ack' });
      expect(ack).toMatchObject({
        platform: h.name,
        action: { kind: 'ack', alertId: 'btn1' },
        user: { kind: h.name },
      });
      const snooze = await h.press(ref, { kind: 'snooze', duration: '4h' });
      expect(snooze.action).toEqual({ kind: 'snooze', alertId: 'btn1', duration: '4h' });
      const chart = await h.press(ref, { kind: 'chart' });
      expect(chart.action).toEqual({ kind: 'chart', alertId: 'btn1' });
    });
  });

  describe('pictures', () => {
    it("a reply's chart reaches the reader as the same PNG with its alt text, and its text is all there", async () => {
      const png = await chartPng();
      const reply = chartReply(png);
      expect(h.replyProblems(reply)).toEqual([]);
      expect(h.replyText(reply)).toContain('• critical · 10 days left (2026-12-01) · secret apps/web-tls');
      const seen = await h.answerWithImage(reply);
      if ('note' in seen) throw new Error(`the ${h.name} reader got no picture: ${seen.note}`);
      expect(Buffer.from(seen.png).equals(Buffer.from(png))).toBe(true);
      expect(seen.alt).toBe(reply.image!.alt);
      expect(seen.title).toBe(reply.image!.title);
    });
  });

  describe('the Chart button', () => {
    it('a certificate alert offers it; pressing it reaches the handler and its chart reaches the reader', async () => {
      const ref = await h.platform.post(h.destination, alertFixture({ alertId: 'chart1' }));
      expect((await h.seen(ref))?.actions).toContain('Chart');
      const png = await chartPng();
      const reply = chartReply(png);
      const { request, seen } = await h.pressChart(ref, reply);
      expect(request).toMatchObject({
        platform: h.name,
        action: { kind: 'chart', alertId: 'chart1' },
        user: { kind: h.name },
      });
      if ('note' in seen) throw new Error(`the ${h.name} reader got no picture: ${seen.note}`);
      expect(Buffer.from(seen.png).equals(Buffer.from(png))).toBe(true);
      expect(seen.alt).toBe(reply.image!.alt);
    });

    it('a message without it offers no Chart button', async () => {
      const ref = await h.platform.post(
        h.destination,
        alertFixture({
          alertId: 'nochart1',
          check: 'statefulsets',
          actions: [{ kind: 'ack', alertId: 'nochart1' }],
        }),
      );
      expect((await h.seen(ref))?.actions).not.toContain('Chart');
    });
  });

  describe('the daily digest', () => {
    it('is posted as one message showing every section, and edited in place', async () => {
      const ref = await h.platform.postDigest(h.destination, digestFixture('post'));
      expect(ref.platform).toBe(h.name);
      const count = await h.messageCount();
      const seen = await h.seenDigest(ref);
      for (const part of [
        'vigil daily digest · 2026-11-21',
        'Expiring within 30 days (1)',
        '• prod · 3 days left (2026-11-24) · secret shop/web-tls tls.crt',
        'Acknowledged (1)',
        'acknowledged by Maria 20 min ago: on it <b>&',
        'As of 09:00 Europe/Berlin (post)',
      ]) {
        expect(seen).toContain(part);
      }
      await h.platform.updateDigest(ref, digestFixture('refresh'));
      const edited = await h.seenDigest(ref);
      expect(edited).toContain('As of 09:00 Europe/Berlin (refresh)');
      expect(edited).not.toContain('(post)');
      expect(await h.messageCount()).toBe(count);
    });

    it('a digest at its largest is still one message with every section, within the limits', async () => {
      const big = await largestDigest();
      expect(h.replyProblems(digestAsReply(big))).toEqual([]);
      const ref = await h.platform.postDigest(h.destination, big);
      const seen = (await h.seenDigest(ref)) ?? '';
      for (const s of big.sections) {
        expect(seen).toContain(s.heading);
        expect(seen).toContain(s.lines.at(-1)!);
      }
      expect(seen).not.toMatch(/not shown/);
    });
  });

  describe('rendering within the platform limits', () => {
    const big = {
      title: 'T'.repeat(3000),
      object: 'o'.repeat(3000),
      evidence: Array.from({ length: 400 }, (_, i) => `pod db/mongo-${i}: Pending ${'é'.repeat(200)}`),
      blastRadius: Array.from({ length: 100 }, (_, i) => `deployment shop/svc-${i}`),
      nextStep: 'n'.repeat(5000),
      status: 's'.repeat(3000),
    };

    it.each<AlertState>(['firing', 'acknowledged', 'snoozed', 'resolved'])(
      'an alert %s, small and huge',
      (state) => {
        expect(h.alertProblems(alertFixture({ state }))).toEqual([]);
        expect(h.alertProblems(alertFixture({ state, ...big }))).toEqual([]);
      },
    );

    it('a reply with many lines, and an empty one', () => {
      const lines = Array.from({ length: 2000 }, (_, i) => `secret ns-${i}/tls-${i}: expires in ${i} days`);
      const reply: ReplyMessage = {
        kind: 'reply',
        private: false,
        title: 'Certificates',
        sections: [{ heading: 'All', lines }],
        footer: 'data from 2 min ago',
      };
      expect(h.replyProblems(reply)).toEqual([]);
      expect(h.replyText(reply)).toContain('secret ns-0/tls-0: expires in 0 days');
      expect(h.replyText(reply)).toMatch(/more lines? not shown/);
      expect(h.replyProblems({ kind: 'reply', private: true, title: '', sections: [] })).toEqual([]);
    });

    it('a reply with a picture too large for any chat message stays within the limits, its text whole', () => {
      const png = new Uint8Array(300 * 1024);
      png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const reply = chartReply(png);
      expect(h.replyProblems(reply)).toEqual([]);
      expect(h.replyText(reply)).toContain('warning 28 d, critical 14 d: 1 within 90 days');
    });

    it('cluster and user text cannot become a live link or mention', () => {
      const message = alertFixture({
        title: hostile,
        object: hostile,
        cluster: hostile,
        evidence: [hostile],
        blastRadius: [hostile],
        nextStep: hostile,
        status: hostile,
      });
      expect(h.liveMarkup(message)).toEqual([]);
      expect(h.alertProblems(message)).toEqual([]);
    });
  });
}

/** Every section full of long, escaping-heavy lines: the most a digest ever holds (build-digest.ts). */
async function largestDigest(): Promise<DigestMessage> {
  const { buildDigest } = await import('../../jobs/digest/build-digest.js');
  const { zonedClock } = await import('../../src/time/zoned-clock.js');
  const { findingFor, opened } = await import('../support/alert-fixtures.js');
  const now = new Date('2026-11-21T08:00:00Z');
  const long = `<&>`.repeat(60) + 'x'.repeat(200);
  const alerts = Array.from({ length: 40 }, (_, i) => {
    const a = opened(`a${i}`, { ...findingFor('prod', `o${i}`), summary: long }, now).alert;
    const by = { kind: 'slack' as const, id: 'U0X', name: long };
    if (i % 3 === 1)
      return {
        ...a,
        state: 'acknowledged' as const,
        acknowledged: { by, at: now.toISOString(), note: long },
      };
    if (i % 3 === 2)
      return {
        ...a,
        state: 'snoozed' as const,
        snoozed: { by, at: now.toISOString(), until: now.toISOString() },
      };
    return a;
  });
  const expiring = Array.from({ length: 40 }, (_, i) => ({
    ...findingFor('prod', `secret ${long} ${i}`),
    check: 'certificates' as const,
    notAfter: new Date(now.getTime() + i * 86_400_000).toISOString(),
  }));
  const stale = Array.from({ length: 40 }, (_, i) => ({ cluster: `${long}-${i}` }));
  return buildDigest(
    { expiring, open: alerts, stale },
    {
      now,
      clock: zonedClock(now, 'UTC'),
      timezone: 'UTC',
      expiringDays: 30,
      staleAfter: '2h',
      refreshEvery: '1h',
      editInPlace: true,
      commandPrefix: '/k8s',
      platform: 'slack',
    },
  );
}

function digestFixture(tag: string): DigestMessage {
  return {
    kind: 'digest',
    day: '2026-11-21',
    title: 'vigil daily digest · 2026-11-21',
    sections: [
      {
        heading: 'Expiring within 30 days (1)',
        lines: ['• prod · 3 days left (2026-11-24) · secret shop/web-tls tls.crt · CN=shop.example.com'],
      },
      { heading: 'Open (0)', lines: ['No open incident.'] },
      {
        heading: 'Acknowledged (1)',
        lines: [
          '• warning · prod · StatefulSet db/mongo stuck · a7k2q · open 2 h · acknowledged by Maria 20 min ago: on it <b>&',
        ],
      },
      { heading: 'Snoozed (0)', lines: ['None snoozed.'] },
      { heading: 'Not checked within 2 h (0)', lines: ['Every cluster was checked within 2 h.'] },
    ],
    footer: `As of 09:00 Europe/Berlin (${tag})`,
  };
}

/** A real chart of the sample data, rendered through resvg as /k8s certs --chart does. */
async function chartPng(): Promise<Uint8Array> {
  const { buildExpiryChart } = await import('../../src/chart/build-expiry-chart.js');
  const { renderPng } = await import('../../src/chart/render-png.js');
  const { sampleData } = await import('../unit/chart/chart-fixtures.js');
  return (await renderPng(buildExpiryChart(sampleData()).svg)).png;
}

function chartReply(png: Uint8Array): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: 'Certificate expiries on prod, next 90 days',
    sections: [
      {
        heading: 'prod · leaf',
        lines: [
          'warning 28 d, critical 14 d: 1 within 90 days',
          '• critical · 10 days left (2026-12-01) · secret apps/web-tls · CN=web',
        ],
      },
    ],
    footer: 'data from 2 min ago',
    image: {
      png,
      width: 600,
      height: 200,
      alt: 'Timeline of certificate expiries over the next 90 days on prod: 1 certificate expired or expiring',
      title: 'Certificate expiries on prod, next 90 days',
      filename: 'vigil-certs-prod-2026-11-21.png',
    },
  };
}
