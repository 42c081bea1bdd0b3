/**
 * The web chat page's script (web-page.ts inlines it under a CSP hash): no framework, no build step.
 * Every piece of data reaches the DOM through textContent or as an attribute value, never as markup,
 * so nothing a cluster object or a user supplies can become a link, a script or a mention. The
 * server decides everything; this only draws what /events says and posts what was typed or pressed.
 */
export const pageScript = `
'use strict';
(() => {
  const byId = (id) => document.getElementById(id);
  const feed = byId('feed');
  const column = byId('column');
  const empty = byId('empty');
  const nameInput = byId('name');
  const live = byId('live');
  const toast = byId('toast');
  const form = byId('command');
  const input = byId('text');
  const summary = byId('summary');
  const hideResolved = byId('hide-resolved');
  const roomLabel = byId('room');

  const cards = new Map();
  const nodes = new Map();
  let client = '';
  let rooms = [];
  let asked = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- the person ---------------------------------------------------------------------------
  try { nameInput.value = localStorage.getItem('vigil.name') || ''; } catch (e) { /* private mode */ }
  nameInput.addEventListener('input', () => {
    document.body.classList.remove('need-name');
    try { localStorage.setItem('vigil.name', nameInput.value.trim()); } catch (e) { /* private mode */ }
  });
  function name() {
    const value = nameInput.value.trim();
    if (!value) {
      document.body.classList.add('need-name');
      nameInput.focus();
      say('Enter your name first (top right): it is shown as who acknowledged.');
    }
    return value;
  }

  // ---- times --------------------------------------------------------------------------------
  function ago(iso) {
    const ms = Date.now() - Date.parse(iso);
    if (!Number.isFinite(ms) || ms < 0) return '';
    const min = Math.floor(ms / 60000);
    if (min < 1) return '(just now)';
    if (min < 60) return '(' + min + ' min ago)';
    const h = Math.floor(min / 60);
    if (h < 24) return '(' + h + ' h ' + (min % 60) + ' min ago)';
    const d = Math.floor(h / 24);
    return '(' + d + ' d ' + (h % 24) + ' h ago)';
  }
  function clock(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 16);
  }
  setInterval(() => {
    for (const node of document.querySelectorAll('[data-since]')) node.textContent = ago(node.dataset.since);
  }, 30000);

  // ---- messages -----------------------------------------------------------------------------
  function section(className, heading, items, open) {
    const list = el('ul');
    for (const item of items) list.append(el('li', '', item));
    if (open) {
      const box = el('div', 'section ' + className);
      box.append(el('h3', '', heading), list);
      return box;
    }
    const box = el('details', 'section ' + className);
    box.append(el('summary', '', heading + ' (' + items.length + ')'), list);
    return box;
  }

  function renderCard(c) {
    const card = el('article', 'card sev-' + c.severity + ' st-' + c.state);
    card.id = 'm-' + c.id;
    card.dataset.id = c.id;
    card.dataset.alert = c.alertId;

    const head = el('div', 'head');
    head.append(el('span', 'badge', c.state === 'resolved' ? 'Resolved' : c.severityLabel));
    if (c.state !== 'resolved') head.append(el('span', 'state', c.stateLabel));
    const meta = el('span', 'meta');
    meta.append(c.cluster + ' · ' + c.check + (rooms.length > 1 ? ' · #' + c.room : '') + ' · id ');
    meta.append(el('code', '', c.alertId));
    head.append(meta);
    card.append(head, el('h2', 'title', c.title));

    const facts = el('div', 'facts');
    const object = el('span', 'fact');
    object.append(el('span', 'label', 'Object'), ' ', el('code', '', c.object));
    const since = el('span', 'fact');
    const age = el('span', 'ago', ago(c.since));
    age.dataset.since = c.since;
    since.append(el('span', 'label', 'Since'), ' ' + c.sinceText + ' ', age);
    facts.append(object, since);
    card.append(facts);

    const resolved = c.state === 'resolved';
    if (c.evidence.length) card.append(section('evidence', 'Evidence', c.evidence, !resolved && c.evidence.length <= 4));
    if (c.blastRadius.length) card.append(section('blast', 'Blast radius', c.blastRadius, !resolved));
    if (c.nextStep) {
      const next = el('div', 'section next');
      next.append(el('h3', '', 'Next step'), el('p', '', c.nextStep));
      card.append(next);
    }
    if (c.status) card.append(el('p', 'status', c.status));
    if (c.actions.length) {
      const actions = el('div', 'actions');
      let snoozeGroup;
      for (const a of c.actions) {
        const button = el('button', a.kind === 'ack' ? 'primary' : '', a.short || a.label);
        button.type = 'button';
        button.ariaLabel = a.label;
        button.title = a.label;
        button.addEventListener('click', () => press(c.id, a, card));
        if (a.kind === 'snooze') {
          if (!snoozeGroup) {
            snoozeGroup = el('span', 'group');
            snoozeGroup.append(el('span', 'group-label', 'Snooze'));
            actions.append(snoozeGroup);
          }
          snoozeGroup.append(button);
        } else actions.append(button);
      }
      card.append(actions);
    }
    if (c.thread.length || c.earlierLines) {
      const thread = el('ol', 'thread');
      if (c.earlierLines) thread.append(el('li', '', c.earlierLines + ' earlier lines not kept'));
      for (const line of c.thread) {
        const item = el('li');
        const at = el('time', '', clock(line.at));
        at.dateTime = line.at;
        item.append(at, line.text);
        thread.append(item);
      }
      card.append(thread);
    }
    return card;
  }

  function atBottom() {
    return feed.scrollHeight - feed.scrollTop - feed.clientHeight < 120;
  }
  function keepBottom(wasAtBottom) {
    if (wasAtBottom) feed.scrollTop = feed.scrollHeight;
  }

  function upsert(c, fresh) {
    const wasAtBottom = atBottom();
    const old = nodes.get(c.id);
    cards.set(c.id, c);
    const node = renderCard(c);
    nodes.set(c.id, node);
    if (old) {
      old.replaceWith(node);
      if (fresh) node.classList.add('flash');
    } else {
      column.append(node);
    }
    refresh();
    keepBottom(wasAtBottom);
  }

  function replaceAll(list) {
    for (const node of nodes.values()) node.remove();
    cards.clear();
    nodes.clear();
    const replies = [...column.querySelectorAll('.reply')];
    for (const c of list) {
      cards.set(c.id, c);
      const node = renderCard(c);
      nodes.set(c.id, node);
      column.append(node);
    }
    // The asker's own answers stay, after the alerts they were asked about.
    for (const r of replies) column.append(r);
    refresh();
    feed.scrollTop = feed.scrollHeight;
  }

  function refresh() {
    empty.hidden = cards.size > 0 || column.querySelector('.reply') !== null;
    const open = { critical: 0, warning: 0, unknown: 0 };
    let acknowledged = 0;
    let snoozed = 0;
    let resolved = 0;
    for (const c of cards.values()) {
      if (c.state === 'resolved') resolved++;
      else if (c.state === 'acknowledged') acknowledged++;
      else if (c.state === 'snoozed') snoozed++;
      else open[c.severity] = (open[c.severity] || 0) + 1;
    }
    summary.replaceChildren();
    const firing = open.critical + open.warning + open.unknown;
    for (const severity of ['critical', 'warning', 'unknown']) {
      if (open[severity]) summary.append(el('span', 'pill ' + severity, open[severity] + ' ' + severity));
    }
    if (acknowledged) summary.append(el('span', 'pill', acknowledged + ' acknowledged'));
    if (snoozed) summary.append(el('span', 'pill', snoozed + ' snoozed'));
    if (resolved) summary.append(el('span', 'pill', resolved + ' resolved'));
    if (!firing && cards.size) summary.append(el('span', 'pill calm', 'nothing firing'));
    document.title = (firing ? '(' + firing + ') ' : '') + 'vigil web chat';
  }

  // ---- answers ------------------------------------------------------------------------------
  function renderReply(reply, question, label) {
    const box = el('article', 'reply');
    const top = el('div', 'asked');
    if (label) {
      top.append(label);
    } else if (question) {
      top.append('You asked ');
      top.append(el('code', '', question));
      top.append(' · only you see this');
    } else {
      top.append('Later answer · only you see this');
    }
    box.append(top, el('h2', '', reply.title));
    if (reply.image && reply.image.src.indexOf('data:image/png;base64,') === 0) {
      const figure = el('figure', 'chart');
      const img = document.createElement('img');
      img.src = reply.image.src; // a data:image/png URI, checked above
      img.alt = reply.image.alt;
      img.width = reply.image.width;
      img.height = reply.image.height;
      figure.append(img, el('figcaption', 'foot', reply.image.title + ' (the same data is listed below)'));
      box.append(figure);
    }
    for (const s of reply.sections) {
      if (s.heading) box.append(el('h3', '', s.heading));
      const list = el('ul');
      for (const line of s.lines) list.append(el('li', '', line));
      box.append(list);
    }
    if (reply.notShown) box.append(el('p', 'foot', reply.notShown));
    if (reply.footer) box.append(el('p', 'foot', reply.footer));
    return box;
  }

  // ---- digests (jobs/digest/): one box per digest, replaced in place when it is refreshed --------
  const digestNodes = new Map();
  function renderDigest(d) {
    const box = el('article', 'reply digest');
    box.dataset.digest = d.id;
    const top = el('div', 'asked', 'Daily digest' + (rooms.length > 1 ? ' · #' + d.room : '') + ' · everyone sees this');
    box.append(top, el('h2', '', d.title));
    for (const s of d.sections) {
      if (s.heading) box.append(el('h3', '', s.heading));
      const list = el('ul');
      for (const line of s.lines) list.append(el('li', '', line));
      box.append(list);
    }
    if (d.notShown) box.append(el('p', 'foot', d.notShown));
    if (d.footer) box.append(el('p', 'foot', d.footer));
    return box;
  }
  function upsertDigest(d) {
    const wasAtBottom = atBottom();
    const node = renderDigest(d);
    const old = digestNodes.get(d.id);
    digestNodes.set(d.id, node);
    if (old && old.isConnected) old.replaceWith(node);
    else column.append(node);
    refresh();
    keepBottom(wasAtBottom);
  }

  function addReply(reply, question, after, label) {
    const wasAtBottom = atBottom();
    const node = renderReply(reply, question, label);
    if (after && after.isConnected) after.after(node);
    else column.append(node);
    refresh();
    keepBottom(wasAtBottom || !after);
    return node;
  }

  let toastTimer;
  function say(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.hidden = true; }, 6000);
  }

  async function post(path, body) {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = {};
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error(data.error || 'vigil answered ' + res.status);
    return data;
  }

  const pending = new Map();

  async function press(id, action, card) {
    const who = name();
    if (!who) return;
    const buttons = card.querySelectorAll('.actions button');
    for (const b of buttons) b.disabled = true;
    try {
      const data = await post('/api/action', { messageId: id, action: action.kind, duration: action.duration, name: who, client });
      // No answer: the outcome is the card's edit, which arrives on the stream. A chart is an
      // answer to read, not a toast: it goes under the card, as the typed command's would.
      if (data.reply && data.reply.image) addReply(data.reply, action.label, card);
      else if (data.reply) {
        const first = data.reply.sections[0] && data.reply.sections[0].lines[0];
        say(data.reply.title + (first ? ': ' + first : ''));
      }
    } catch (err) {
      say(err.message);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  async function ask(text) {
    const who = name();
    if (!who) return;
    const ref = 'q' + (++asked);
    const placeholder = addReply({ title: 'Asking…', sections: [] }, text);
    pending.set(ref, placeholder);
    try {
      const data = await post('/api/command', { text, name: who, client, ref });
      const node = renderReply(data.reply, text);
      placeholder.replaceWith(node);
      pending.set(ref, node);
      refresh();
      feed.scrollTop = feed.scrollHeight;
    } catch (err) {
      placeholder.replaceWith(renderReply({ title: 'That did not work', sections: [{ lines: [err.message] }] }, text));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void ask(text);
  });
  for (const chip of document.querySelectorAll('[data-command]')) {
    chip.addEventListener('click', () => void ask(chip.dataset.command));
  }
  hideResolved.addEventListener('change', () => feed.classList.toggle('hide-resolved', hideResolved.checked));

  // ---- the live stream ----------------------------------------------------------------------
  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return undefined; }
  }
  const source = new EventSource('/events');
  source.addEventListener('hello', (event) => {
    const data = parse(event);
    if (!data) return;
    client = data.client;
    rooms = data.rooms || [];
    roomLabel.textContent = rooms.length === 1 ? '#' + rooms[0] : rooms.length + ' rooms';
    live.textContent = 'live';
    live.classList.add('on');
  });
  source.addEventListener('snapshot', (event) => {
    const data = parse(event);
    if (data) replaceAll(data.messages);
  });
  source.addEventListener('message', (event) => {
    const data = parse(event);
    if (data) upsert(data, true);
  });
  source.addEventListener('digests', (event) => {
    const data = parse(event);
    if (data) for (const d of data.digests) upsertDigest(d);
  });
  source.addEventListener('digest', (event) => {
    const data = parse(event);
    if (data) upsertDigest(data);
  });
  source.addEventListener('reply', (event) => {
    const data = parse(event);
    if (data) addReply(data.reply, '', pending.get(data.ref));
  });
  // A notice (a mute or maintenance window ended) is for everyone in the room, like an alert.
  source.addEventListener('notice', (event) => {
    const data = parse(event);
    if (data && data.reply) addReply(data.reply, '', undefined, 'Notice for #' + data.room + ' · everyone here sees it');
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  });
  if (!nameInput.value) document.body.classList.add('need-name');
})();
`;
