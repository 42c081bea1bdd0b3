import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { runTeamsConversations } from '../../src/serve/run-teams-conversations.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import {
  FakeSlackWebApi,
  blockActionsBody,
  postToSlackEvents,
  type FakeSlackMessage,
} from '../fakes/slack/index.js';
import {
  FakeBotConnector,
  cardOf,
  channel,
  conversationUpdateActivity,
  executeActions,
  invokeActivity,
  messageActivity,
  postActivity,
  visibleText,
  type FakeActivity,
} from '../fakes/teams/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { waitFor as waitUntil } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { perPlatform } from '../../src/chat/platforms.js';

/**
 * Issue 5's story over HTTP: the whole bot with Slack and Teams at once. The alert is routed to a
 * Slack channel and a Teams channel; it is one incident, so acknowledging it on one platform edits
 * the message on both. Teams traffic goes through botbuilder's real CloudAdapter (authentication off
 * through the explicit development setting, as the fake connector issues no tokens).
 */
const SIGNING_SECRET = 'teams-e2e-signing-secret';
const SLACK_CHANNEL = 'C0ALERTS';
const TOKEN = 'teams-e2e-kube-token';
const alertsChannel = channel('Alerts');
// The alias vigil gives a team channel: team name and channel name, slugged.
const TEAMS_ALIAS = 'platform-sre-alerts';

// Story steps cross several async hops (queue, outbox pace, HTTP), so they get a longer wait.
const waitFor = <T>(what: string, probe: () => T | Promise<T>) => waitUntil(what, probe, 15_000);

const slackText = (m: FakeSlackMessage) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
const cardText = (a: FakeActivity) => visibleText(cardOf(a));
const isCard = (a: FakeActivity) => cardOf(a) !== undefined;

describe('Teams and Slack alert story (one incident on two platforms)', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ca = issueCa('teams-e2e-ca', now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-teams-e2e-'));
  let redis: RedisServer;
  let kube: FakeKubeApiServer;
  let slack: FakeSlackWebApi;
  let connector: FakeBotConnector;
  let app: App;
  let base: string;
  let nextActivityId = 1_900_000_000_000;

  const setWebCertificate = (daysLeft: number) => {
    const leaf = issueLeaf('shop.example.com', now, daysLeft, { issuer: ca, sans: ['shop.example.com'] });
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'web-tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
    });
  };
  const runCertificates = async () => {
    const s = app.scheduling;
    if (!s) throw new Error('app not started');
    const id = await s.runNow('prod', 'certificates');
    expect((await s.waitForRun(id, 20_000)).state).toBe('completed');
  };
  const teamsCards = () => connector.messages(alertsChannel.id).filter(isCard);
  const slackMessages = () => slack.messages(SLACK_CHANNEL);
  const toTeams = (activity: unknown) => postActivity(`${base}/api/messages`, activity);

  beforeAll(async () => {
    const api = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    [redis, kube, slack, connector] = await Promise.all([
      startRedisServer(),
      FakeKubeApiServer.start({ certPem: api.certPem, keyPem: api.keyPem, tokens: { [TOKEN]: 'vigil' } }),
      FakeSlackWebApi.start(),
      FakeBotConnector.start(),
    ]);
    setWebCertificate(200);
    const kubeconfig = join(dir, 'prod.kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig({ caPem: ca.certPem, token: TOKEN, contextName: 'prod' }));
    const config = parseConfig(
      {
        clusters: [{ name: 'prod', kubeconfig }],
        schedules: {
          checks: {
            certificates: '0 0 1 1 *',
            statefulsets: false,
            registries: false,
            'host-certificates': false,
          },
          runOnStart: false,
        },
        alerts: {
          resolveAfterOkRuns: 1,
          routes: [{ match: { namespace: 'shop' }, slack: [SLACK_CHANNEL], teams: [TEAMS_ALIAS] }],
        },
      },
      'teams-e2e',
      dir,
    );
    app = createApp({
      config,
      serve: { redisUrl: redis.url, redisPrefix: 'teams-e2e', port: 0, host: '127.0.0.1' },
      platforms: {
        slack: { botToken: slack.token, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
        teams: { authDisabled: true },
      },
      scheduling: { outbox: { ...config.outbox, minIntervalMs: perPlatform(() => 50) } },
    });
    base = `http://127.0.0.1:${(await app.start()).port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.allSettled([kube?.stop(), slack?.close(), connector?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('remembers the Teams channel it is added to', async () => {
    const res = await toTeams(
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: alertsChannel }),
    );
    expect(res.status).toBe(200);
    // What an operator reads to write routes: `vigil teams conversations`.
    let printed = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        printed += chunk.toString();
        done();
      },
    });
    const code = await runTeamsConversations({ REDIS_URL: redis.url, VIGIL_REDIS_PREFIX: 'teams-e2e' }, sink);
    expect(code).toBe(0);
    expect(printed).toMatch(new RegExp(`${TEAMS_ALIAS}\\s+channel\\s+Platform SRE`));
  });

  let alertId = '';

  it('a certificate entering the warning window posts one Slack message and one Teams card', async () => {
    await runCertificates();
    expect(teamsCards()).toHaveLength(0);
    setWebCertificate(20);
    await runCertificates();
    const [card] = await waitFor('the Teams card', () =>
      teamsCards().length > 0 ? teamsCards() : undefined,
    );
    const [msg] = await waitFor('the Slack message', () =>
      slackMessages().length > 0 ? slackMessages() : undefined,
    );
    expect(cardOf(card)?.['version']).toBe('1.5');
    expect(cardText(card!)).toMatch(/shop\/web-tls/);
    expect(cardText(card!)).toMatch(/expires in (19|20) days/);
    alertId = String(msg!.metadata?.event_payload.alert_id ?? '');
    expect(cardText(card!)).toContain(alertId);
    expect(executeActions(cardOf(card)).map((a) => a.title)).toContain('Acknowledge');
  });

  it('`certs prod` by @mention answers in the channel', async () => {
    const question = String(nextActivityId++);
    const res = await toTeams(
      messageActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alertsChannel,
        text: 'certs prod',
        id: question,
      }),
    );
    expect(res.status).toBe(200);
    const answer = await waitFor('the answer', () =>
      connector
        .thread(alertsChannel.id, question)
        .find((a) => /web-tls/.test(`${a.text ?? ''} ${isCard(a) ? cardText(a) : ''}`)),
    );
    expect(`${answer.text ?? ''} ${isCard(answer) ? cardText(answer) : ''}`).toMatch(/(19|20) days left/);
  });

  it('Acknowledge in Teams replaces the card for everyone and edits the Slack message too', async () => {
    const card = teamsCards()[0]!;
    const ack = executeActions(cardOf(card)).find((a) => a.title === 'Acknowledge')!;
    const res = await toTeams(
      invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alertsChannel,
        verb: ack.verb,
        data: ack.data,
        replyToId: card.id,
      }),
    );
    expect(res.status).toBe(200);
    // The presser sees the new card in the invoke response at once.
    expect(JSON.stringify(await res.json())).toMatch(/Acknowledged by Maria/i);
    await waitFor('the edited Teams card', () => {
      const cur = connector.activity(card.id)!;
      return cur.edits > 0 && /acknowledged by Maria/i.test(cardText(cur)) ? cur : undefined;
    });
    await waitFor('the edited Slack message', () =>
      /acknowledged by Maria/i.test(slackText(slackMessages()[0]!)) ? true : undefined,
    );
    expect(teamsCards()).toHaveLength(1);
    expect(slackMessages()).toHaveLength(1);
  });

  it('escalation and a Slack acknowledgement update the Teams card', async () => {
    setWebCertificate(10);
    await runCertificates();
    const cardId = teamsCards()[0]!.id;
    await waitFor('the escalated card', () =>
      /critical/i.test(cardText(connector.activity(cardId)!)) &&
      !/acknowledged by/i.test(cardText(connector.activity(cardId)!))
        ? true
        : undefined,
    );
    await waitFor('the escalation reply in the card thread', () =>
      connector.thread(alertsChannel.id, cardId).some((a) => /escalated/i.test(a.text ?? ''))
        ? true
        : undefined,
    );
    const msg = slackMessages()[0]!;
    const res = await postToSlackEvents(
      `${base}/slack/events`,
      blockActionsBody({
        responseUrl: slack.responseUrl('ack'),
        action: { type: 'button', action_id: `vigil_ack:${alertId}`, value: alertId },
        messageTs: msg.ts,
        channelId: SLACK_CHANNEL,
        user: { id: 'U0BOB', username: 'bob' },
      }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    await waitFor('the Teams card acknowledged from Slack', () =>
      /acknowledged by bob/i.test(cardText(connector.activity(cardId)!)) ? true : undefined,
    );
  });

  it('renewal resolves the card without buttons; one card and one message throughout', async () => {
    setWebCertificate(200);
    await runCertificates();
    const cardId = teamsCards()[0]!.id;
    const resolved = await waitFor('the resolved card', () => {
      const cur = connector.activity(cardId)!;
      return /resolved/i.test(cardText(cur)) ? cur : undefined;
    });
    expect(executeActions(cardOf(resolved))).toHaveLength(0);
    await waitFor('the resolved Slack message', () =>
      /resolved/i.test(slackText(slackMessages()[0]!)) ? true : undefined,
    );
    expect(teamsCards()).toHaveLength(1);
    expect(slackMessages()).toHaveLength(1);
  });
});
