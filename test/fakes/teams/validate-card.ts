/**
 * What Teams enforces on a bot's Adaptive Card, checked the way Teams answers it (a 413 for a
 * message over its size, a card that will not render for an unknown element or a missing field),
 * so a renderer that overflows fails in tests instead of in someone's channel. Not a full schema:
 * the elements and limits vigil's renderers must respect.
 */

/** The message limit Teams documents most conservatively, counted in UTF-16 bytes as Teams does. */
export const teamsMessageLimitBytes = 28 * 1024;

const ELEMENTS = new Set([
  'TextBlock',
  'RichTextBlock',
  'Container',
  'ColumnSet',
  'FactSet',
  'Image',
  'ActionSet',
]);
const ACTIONS = new Set(['Action.Execute', 'Action.ShowCard', 'Action.OpenUrl', 'Action.Submit']);

type Json = Record<string, unknown>;

/** The Adaptive Card an activity carries, if any. */
export function cardOf(
  activity: { attachments?: { contentType: string; content: unknown }[] } | undefined,
): Json | undefined {
  const attachment = activity?.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return attachment?.content as Json | undefined;
}

/** The first problem found, or undefined when Teams would take the card. */
export function validateCard(card: unknown, activity?: unknown): string | undefined {
  if (!card || typeof card !== 'object') return 'not a card';
  const c = card as Json;
  if (c['type'] !== 'AdaptiveCard') return 'type must be AdaptiveCard';
  if (c['version'] !== '1.5') return `version must be 1.5 (got ${String(c['version'])})`;
  const size = JSON.stringify(activity ?? card).length * 2;
  if (size > teamsMessageLimitBytes)
    return `MessageSizeTooBig: ${size} bytes (UTF-16) > ${teamsMessageLimitBytes}`;
  return checkBody(c['body'], 'body') ?? checkActions(c['actions'], 'actions');
}

function checkBody(body: unknown, at: string): string | undefined {
  if (!Array.isArray(body) || body.length === 0) return `${at} must be a non-empty array`;
  for (const [i, element] of (body as Json[]).entries()) {
    const problem = checkElement(element, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function checkElement(e: Json, at: string): string | undefined {
  const type = String(e['type']);
  if (!ELEMENTS.has(type)) return `${at}: unknown element ${type}`;
  switch (type) {
    case 'TextBlock':
      return nonEmpty(e['text']) ? undefined : `${at}: TextBlock needs text`;
    case 'RichTextBlock': {
      const inlines = e['inlines'];
      if (!Array.isArray(inlines) || inlines.length === 0) return `${at}: RichTextBlock needs inlines`;
      for (const run of inlines as Json[]) {
        if (run['type'] !== 'TextRun' || !nonEmpty(run['text']))
          return `${at}: every inline must be a TextRun with text`;
      }
      return undefined;
    }
    case 'Image': {
      const url = e['url'];
      if (typeof url !== 'string' || !/^(https:\/\/|data:image\/(png|jpeg|gif);base64,)/.test(url))
        return `${at}: Image needs an https or data:image URL`;
      return undefined;
    }
    case 'Container':
      return checkBody(e['items'], `${at}.items`);
    case 'ColumnSet': {
      const columns = e['columns'];
      if (!Array.isArray(columns) || columns.length === 0) return `${at}: ColumnSet needs columns`;
      for (const [i, column] of (columns as Json[]).entries()) {
        if (column['type'] !== 'Column') return `${at}.columns[${i}] must be a Column`;
        const problem = checkBody(column['items'], `${at}.columns[${i}].items`);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function checkActions(actions: unknown, at: string): string | undefined {
  if (actions === undefined) return undefined;
  if (!Array.isArray(actions)) return `${at} must be an array`;
  for (const [i, a] of (actions as Json[]).entries()) {
    const type = String(a['type']);
    if (!ACTIONS.has(type)) return `${at}[${i}]: unknown action ${type}`;
    if (!nonEmpty(a['title'])) return `${at}[${i}]: an action needs a title`;
    if (type === 'Action.Execute' && !nonEmpty(a['verb'])) return `${at}[${i}]: Action.Execute needs a verb`;
    if (type === 'Action.ShowCard') {
      const nested = a['card'] as Json | undefined;
      const problem =
        checkBody(nested?.['body'], `${at}[${i}].card.body`) ??
        checkActions(nested?.['actions'], `${at}[${i}].card.actions`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Every text a reader sees, TextBlocks and TextRuns alike, one per line. */
export function visibleText(card: unknown): string {
  return texts(card, () => true).join('\n');
}

/** The texts Teams parses as Markdown (TextBlock text, Fact title/value): untrusted text must never be here. */
export function markdownText(card: unknown): string {
  return texts(card, (owner) => owner === 'TextBlock' || owner === 'Fact').join('\n');
}

/** Every Action.Execute anywhere in the card (ShowCard contents included). */
export function executeActions(card: unknown): { title: string; verb: string; data: Json }[] {
  const out: { title: string; verb: string; data: Json }[] = [];
  walk(card, (node) => {
    if (node['type'] === 'Action.Execute') {
      out.push({
        title: String(node['title']),
        verb: String(node['verb']),
        data: (node['data'] as Json) ?? {},
      });
    }
  });
  return out;
}

function texts(card: unknown, include: (owner: string) => boolean): string[] {
  const out: string[] = [];
  walk(card, (node) => {
    const type = String(node['type'] ?? '');
    if ((type === 'TextBlock' || type === 'TextRun') && typeof node['text'] === 'string' && include(type))
      out.push(node['text']);
    if (Array.isArray(node['facts']) && include('Fact')) {
      for (const f of node['facts'] as Json[]) out.push(`${String(f['title'])} ${String(f['value'])}`);
    }
  });
  return out;
}

function walk(value: unknown, visit: (node: Json) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
  } else if (value && typeof value === 'object') {
    visit(value as Json);
    for (const v of Object.values(value)) walk(v, visit);
  }
}
