import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActionRequest,
  CommandRequest,
  DigestMessage,
  PostedRef,
  ReplyMessage,
} from '../../src/chat/chat-message.js';
import { buildExpiryChart } from '../../src/chart/build-expiry-chart.js';
import { renderPng } from '../../src/chart/render-png.js';
import { sampleData } from '../unit/chart/chart-fixtures.js';
import { createWebChat, type WebChat } from '../../src/chat/web/index.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import { alertFixture } from '../contract/chat-platform-contract.js';
import { launchChromium, type Chromium } from '../support/chromium.js';

const hostile =
  '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> <a href="https://evil.example">click</a> <!channel> <@U0BOSS> [click](https://evil.example)';

let png: Uint8Array | undefined;

function chartReply(): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: 'Certificate expiries on prod, next 90 days',
    sections: [
      { heading: 'prod · leaf', lines: ['• critical · 10 days left (2026-12-01) · secret apps/web-tls'] },
    ],
    image: {
      png: png!,
      width: 600,
      height: 200,
      alt: 'Timeline of expiries',
      title: 'Expiries',
      filename: 'x.png',
    },
  };
}

function digest(tag: string): DigestMessage {
  return {
    kind: 'digest',
    day: '2026-11-21',
    title: 'vigil daily digest · 2026-11-21',
    sections: [{ heading: 'Open (1)', lines: [`• critical · prod · ${hostile}`] }],
    footer: `As of ${tag}`,
  };
}

/** Serves one web chat on loopback; handlers record what reached them. */
async function serveChat(options: { bindHost?: string; token?: string } = {}) {
  const commands: CommandRequest[] = [];
  const actions: ActionRequest[] = [];
  const web: WebChat = createWebChat({
    rooms: ['alerts'],
    bindHost: options.bindHost ?? '127.0.0.1',
    ...(options.token ? { token: options.token } : {}),
    onCommand: async (r) => {
      commands.push(r);
      return { kind: 'reply', private: true, title: `echo ${r.text}`, sections: [{ lines: [hostile] }] };
    },
    onAction: async (r) => {
      actions.push(r);
      if (r.action.kind === 'chart') return chartReply();
      return { kind: 'reply', private: true, title: 'Acknowledged', sections: [] };
    },
  });
  const server: HttpServer = createHttpServer({ routes: web.routes, readiness: () => true });
  const { port } = await server.start(0, '127.0.0.1');
  return { web, server, commands, actions, url: `http://127.0.0.1:${port}/` };
}

/**
 * The page itself in Chromium, apart from the demo: text from clusters and users stays text, a
 * phone-width screen never scrolls sideways, the name is asked for before anything is sent, and
 * with a token the `?token=` link is the way in.
 */
describe('web chat page (Chromium)', () => {
  let chromium: Chromium;
  let chat: Awaited<ReturnType<typeof serveChat>>;
  let ref: PostedRef;

  beforeAll(async () => {
    [chromium, chat] = await Promise.all([launchChromium(), serveChat()]);
    png = (await renderPng(buildExpiryChart(sampleData()).svg)).png;
    ref = await chat.web.platform.post(
      'alerts',
      alertFixture({
        alertId: 'h0st1',
        title: hostile,
        object: hostile,
        cluster: hostile,
        evidence: [hostile, `pod-${'x'.repeat(300)}`],
        blastRadius: [hostile],
        nextStep: hostile,
        status: hostile,
      }),
    );
    await chat.web.platform.reply(ref, hostile);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await chat?.server.stop();
  });

  it('shows hostile text literally: no element, link or script comes from data', async () => {
    const page = await chromium.context.newPage();
    await page.goto(chat.url);
    const card = page.locator('article.card[data-alert="h0st1"]');
    await card.waitFor();
    expect(await card.locator('.title').innerText()).toBe(hostile.replace(/\s+/g, ' '));
    expect(await card.locator('.thread li').last().innerText()).toContain('<script>window.pwned=2</script>');
    expect(await page.locator('#feed a, #feed img, #feed script, #feed iframe').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });

  it('shows a notice (the end of a mute) to everyone in the room, its text literal', async () => {
    const page = await chromium.context.newPage();
    await page.goto(chat.url);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    await chat.web.platform.announce('alerts', {
      kind: 'notice',
      title: 'Mute m1 by Maria ended: 1 alert still firing',
      lines: [`critical · prod · h0st1 · ${hostile}`],
      footer: 'ended 2026-11-21 12:05 UTC',
    });
    const notice = page.locator('article.reply', { hasText: 'Mute m1 by Maria ended' });
    await notice.waitFor();
    expect(await notice.locator('.asked').innerText()).toBe('Notice for #alerts · everyone here sees it');
    expect(await notice.locator('li').innerText()).toBe(`critical · prod · h0st1 · ${hostile}`);
    expect(await page.locator('article.reply a, article.reply img, article.reply script').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });

  it('asks for a name before sending, then sends it with the press and the command', async () => {
    const page = await chromium.context.newPage();
    await page.goto(chat.url);
    const card = page.locator('article.card[data-alert="h0st1"]');
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('#toast', { hasText: 'Enter your name first' }).waitFor();
    expect(chat.actions).toHaveLength(0);
    await page.fill('#name', 'Jo Müller');
    await card.getByRole('button', { name: 'Snooze 4 h' }).click();
    await expect.poll(() => chat.actions.length).toBe(1);
    expect(chat.actions[0]).toMatchObject({
      platform: 'web',
      action: { kind: 'snooze', alertId: 'h0st1', duration: '4h' },
      user: { kind: 'web', id: 'web:Jo Müller', name: 'Jo Müller' },
    });
    await page.fill('#text', '/k8s certs prod');
    await page.press('#text', 'Enter');
    const reply = page.locator('article.reply', { hasText: 'echo certs prod' });
    await reply.waitFor();
    expect(await reply.locator('li').innerText()).toBe(hostile);
    expect(chat.commands.at(-1)?.text).toBe('certs prod');
    await page.close();
  });

  it('draws the Chart button’s picture under its card, and the day’s digest edited in place', async () => {
    const page = await chromium.context.newPage();
    await page.goto(chat.url);
    await page.fill('#name', 'Jo Müller');
    const card = page.locator('article.card[data-alert="h0st1"]');
    await card.getByRole('button', { name: 'Chart' }).click();
    const answer = page.locator('article.reply', { hasText: 'Certificate expiries on prod' });
    await answer.locator('figure.chart img').waitFor();
    expect(await answer.locator('img').getAttribute('alt')).toBe('Timeline of expiries');
    expect(await answer.innerText()).toContain('• critical · 10 days left');
    expect(chat.actions.at(-1)?.action).toEqual({ kind: 'chart', alertId: 'h0st1' });

    const ref = await chat.web.platform.postDigest('alerts', digest('09:00'));
    const box = page.locator('article.digest');
    await box.locator('.foot', { hasText: 'As of 09:00' }).waitFor();
    expect(await box.locator('li').innerText()).toBe(`• critical · prod · ${hostile}`.replace(/\s+/g, ' '));
    await chat.web.platform.updateDigest(ref, digest('10:00'));
    await box.locator('.foot', { hasText: 'As of 10:00' }).waitFor();
    expect(await page.locator('article.digest').count()).toBe(1);
    expect(await page.locator('#feed a, #feed script, #feed iframe').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    await page.close();
  });

  it('fits a 360 px phone: nothing scrolls sideways, even with long unbroken text', async () => {
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(chat.url);
    await page.locator('article.card').first().waitFor();
    const widths = (await page.evaluate(
      '({ page: document.documentElement.scrollWidth, feed: document.getElementById("feed").scrollWidth })',
    )) as { page: number; feed: number };
    expect(widths.page).toBeLessThanOrEqual(360);
    expect(widths.feed).toBeLessThanOrEqual(360);
    await page.close();
  });

  it('beyond loopback, the ?token= link sets a cookie and leaves the address bar; without it, 401', async () => {
    const token = 'e2e-web-token-0123456789abcdef';
    const guarded = await serveChat({ bindHost: '0.0.0.0', token });
    try {
      await guarded.web.platform.post('alerts', alertFixture({ alertId: 'tok3n' }));
      const page = await chromium.context.newPage();
      const refused = await page.goto(guarded.url);
      expect(refused?.status()).toBe(401);
      expect(await page.locator('body').innerText()).toMatch(/needs its token/);
      await page.goto(`${guarded.url}?token=${token}`);
      expect(new URL(page.url()).search).toBe('');
      await page.locator('article.card[data-alert="tok3n"]').waitFor();
      const cookie = (await chromium.context.cookies(guarded.url)).find((c) => c.name === 'vigil_web');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(cookie?.value).not.toContain(token);
      await page.close();
    } finally {
      await guarded.server.stop();
    }
  });
});
