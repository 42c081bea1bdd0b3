import { createHash } from 'node:crypto';
import { pageScript } from './page-script.js';
import { pageStyle } from './page-style.js';

export interface PageResponse {
  body: string;
  /** Content-Security-Policy: only this page's own script and style run, nothing loads from elsewhere. */
  csp: string;
}

export interface WebPage {
  html: PageResponse;
  /** The page shown instead when access is refused (no token, wrong Host). */
  refusal(message: string): PageResponse;
}

const icon =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='6' fill='%23c62828'/%3E%3C/svg%3E";

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function csp(script: string | undefined, style: string): string {
  return [
    "default-src 'none'",
    script ? `script-src ${hash(script)}` : "script-src 'none'",
    `style-src ${hash(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The one self-contained page (HTML, CSS and script inline; no CDN, no build step). Its markup holds
 * only vigil's own words; alerts and answers arrive as JSON over /events and are drawn by the script.
 */
export function webPage(title: string, quickCommands: readonly string[]): WebPage {
  const quick = quickCommands
    .map((c) => `    <button type="button" data-command="${escapeHtml(c)}">${escapeHtml(c)}</button>`)
    .join('\n');
  const head = (t: string) =>
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light dark">\n<title>${escapeHtml(t)}</title>\n<link rel="icon" href="${icon}">\n<style>${pageStyle}</style>\n</head>\n`;
  const body = `<body>
<header class="top">
  <div class="brand"><span class="dot" aria-hidden="true">●</span><strong>vigil</strong><span class="room" id="room">web chat</span></div>
  <div class="summary" id="summary" aria-live="polite"></div>
  <div class="tools">
    <label class="toggle"><input type="checkbox" id="hide-resolved">Hide resolved</label>
    <label class="me"><span>Your name</span><input type="text" id="name" maxlength="40" autocomplete="nickname" placeholder="e.g. Maria"></label>
  </div>
  <span class="live" id="live">connecting…</span>
</header>
<main id="feed"><div class="column" id="column"><p class="empty" id="empty">No alerts yet: they appear here as checks find them.</p></div></main>
<div id="toast" role="status" hidden></div>
<form class="composer" id="command" autocomplete="off">
  <div class="quick" aria-label="Quick commands">
${quick}
  </div>
  <div class="row"><input type="text" id="text" maxlength="1000" aria-label="Command" placeholder="Type a command: certs prod · sts prod · alerts · ack ID · history ID · help"><button type="submit" class="primary">Send</button></div>
</form>
<script>${pageScript}</script>
</body>
</html>
`;
  return {
    html: { body: head(title) + body, csp: csp(pageScript, pageStyle) },
    refusal: (message) => ({
      body: `${head(title)}<body><main id="feed"><div class="column"><div class="reply"><h2>vigil web chat</h2><p>${escapeHtml(message)}</p></div></div></main></body>\n</html>\n`,
      csp: csp(undefined, pageStyle),
    }),
  };
}
