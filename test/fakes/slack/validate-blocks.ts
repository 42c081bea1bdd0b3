/**
 * The Block Kit limits Slack enforces, checked the way Slack answers them (`invalid_blocks`,
 * `msg_blocks_too_long`), so a renderer that overflows fails in tests instead of in production.
 * Not a full schema: only the limits vigil's renderers must respect.
 */
export function validateBlocks(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > 50) return 'invalid_blocks';
  let total = 0;
  for (const block of blocks as Record<string, unknown>[]) {
    const problem = checkBlock(block);
    if (problem) return problem;
    total += textLength(block);
  }
  // Undocumented cumulative limit observed around 12,000-13,200 characters (bolt-js #2509, #2867).
  return total > 12_000 ? 'msg_blocks_too_long' : undefined;
}

function checkBlock(block: Record<string, unknown>): string | undefined {
  const text = (block['text'] as { text?: unknown; type?: unknown } | undefined) ?? undefined;
  const len = (t: unknown) => (typeof t === 'string' ? t.length : 0);
  switch (block['type']) {
    case 'header':
      if (text?.type !== 'plain_text' || len(text.text) === 0 || len(text.text) > 150)
        return 'invalid_blocks';
      return undefined;
    case 'section': {
      const fields = block['fields'] as { text?: unknown }[] | undefined;
      if (!text && !fields) return 'invalid_blocks';
      if (text && (len(text.text) === 0 || len(text.text) > 3000)) return 'invalid_blocks';
      if (fields && (fields.length > 10 || fields.some((f) => len(f.text) === 0 || len(f.text) > 2000))) {
        return 'invalid_blocks';
      }
      return undefined;
    }
    case 'context': {
      const elements = block['elements'] as { text?: unknown }[] | undefined;
      if (!elements || elements.length === 0 || elements.length > 10) return 'invalid_blocks';
      return elements.some((e) => len(e.text) > 3000) ? 'invalid_blocks' : undefined;
    }
    case 'actions': {
      const elements = block['elements'] as Record<string, unknown>[] | undefined;
      if (!elements || elements.length === 0 || elements.length > 25) return 'invalid_blocks';
      for (const e of elements) {
        const label = e['text'] as { text?: unknown } | undefined;
        if (len(e['action_id']) > 255 || len(e['value']) > 2000) return 'invalid_blocks';
        if (e['type'] === 'button' && (len(label?.text) === 0 || len(label?.text) > 75))
          return 'invalid_blocks';
        const options = e['options'] as { text?: { text?: unknown }; value?: unknown }[] | undefined;
        if (
          options &&
          (options.length > 100 || options.some((o) => len(o.text?.text) > 75 || len(o.value) > 150))
        ) {
          return 'invalid_blocks';
        }
      }
      return undefined;
    }
    case 'divider':
      return undefined;
    default:
      return 'invalid_blocks';
  }
}

function textLength(value: unknown): number {
  if (typeof value === 'string') return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textLength(v), 0);
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value))
      n += k === 'text' && typeof v === 'string' ? v.length : textLength(v);
    return n;
  }
  return 0;
}
