#!/usr/bin/env node
/* global document -- used only inside functions that run in the page (page.evaluate) */
// Screenshots of the live demo's web chat for the README: `npm run demo:screenshots`.
// Runs the real demo composition (src/demo/start-demo.ts) at 6x speed in headless Chromium (found by
// src/system/resolve-chromium.ts, through test/support/chromium.ts), plays
// a short story (a name, an acknowledgement, the renewal that resolves it, a question), then writes
//   docs/demo-web-chat.png         a laptop-width view (committed, shown in README.md)
//   docs/demo-web-chat-laptop.png  the bottom of the chat with an answer, 1280 px wide (not committed)
//   docs/demo-web-chat-phone.png   390 px wide, the card just acknowledged (not committed)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs');
const { startDemo } = await tsImport('../src/demo/start-demo.ts', import.meta.url);
const { launchChromium } = await tsImport('../test/support/chromium.ts', import.meta.url);

const step = (what) => process.stdout.write(`screenshots: ${what}\n`);
mkdirSync(out, { recursive: true });
const [demo, browser] = await Promise.all([startDemo({ port: 0, speed: 6 }), launchChromium()]);
/** Scrolls the chat so the first card containing `text` is at the top. */
async function scrollTo(page, text) {
  await page.evaluate((t) => {
    const card = [...document.querySelectorAll('article.card')].find((c) => c.textContent.includes(t));
    card?.scrollIntoView({ block: 'start' });
  }, text);
  await page.waitForTimeout(400);
}

try {
  step(`demo at ${demo.url}`);
  const laptop = await browser.context.newPage();
  await laptop.setViewportSize({ width: 1280, height: 800 });
  await laptop.goto(demo.url);
  await laptop.fill('#name', 'Maria');
  const cards = laptop.locator('article.card');
  await laptop.waitForFunction(() => document.querySelectorAll('article.card').length >= 12, null, {
    timeout: 60_000,
  });
  const apiTls = cards.filter({ hasText: 'Secret payments/api-tls' });
  await apiTls.getByRole('button', { name: 'Acknowledge' }).click();
  await apiTls.locator('.status', { hasText: 'Acknowledged by Maria' }).waitFor({ timeout: 20_000 });
  step('acknowledged payments/api-tls');
  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(demo.url);
  await phone.locator('article.card').first().waitFor();
  await scrollTo(phone, 'Secret payments/api-tls');
  await phone.screenshot({ path: join(out, 'demo-web-chat-phone.png') });

  // The story's recoveries (demo-moves.ts, at 6x): the renewal resolves the acknowledged card.
  await apiTls.locator('.badge', { hasText: 'Resolved' }).waitFor({ timeout: 90_000 });
  step('payments/api-tls resolved');
  await laptop.fill('#text', 'certs prod');
  await laptop.press('#text', 'Enter');
  await laptop
    .locator('article.reply h2', { hasText: /certificates/i })
    .first()
    .waitFor({ timeout: 20_000 });
  step('answered certs prod');
  await laptop.waitForTimeout(1000);
  await laptop.screenshot({ path: join(out, 'demo-web-chat-laptop.png') });

  // The README's picture: the card that went through its whole life at the top, open ones below.
  await laptop.setViewportSize({ width: 1000, height: 860 });
  await scrollTo(laptop, 'Secret payments/api-tls');
  await laptop.screenshot({ path: join(out, 'demo-web-chat.png') });
  step('wrote docs/demo-web-chat.png, docs/demo-web-chat-laptop.png and docs/demo-web-chat-phone.png');
} finally {
  await browser.close();
  await demo.stop();
}
