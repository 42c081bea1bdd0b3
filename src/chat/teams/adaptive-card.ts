import { withoutBidiControls } from '../clean-text.js';
import { teamsCardLimits } from './teams-card-limits.js';

/** The subset of the Adaptive Card 1.5 schema vigil renders (adaptivecards.io/explorer). */
export type CardElement = TextBlock | RichTextBlock | Container | ColumnSet | ImageElement;

export interface ImageElement {
  type: 'Image';
  /** https, or a `data:image/png;base64,` URI (the whole picture inside the message). */
  url: string;
  altText: string;
  size?: 'Auto' | 'Stretch';
}

export interface TextBlock {
  type: 'TextBlock';
  /** Markdown is parsed here: only vigil's own fixed labels go into a TextBlock. */
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Small' | 'Medium' | 'Large';
  color?: 'Attention' | 'Warning' | 'Good' | 'Accent';
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
}

export interface TextRun {
  type: 'TextRun';
  /** Never parsed as Markdown (schema: "Markdown is not supported"): untrusted text goes here. */
  text: string;
  weight?: 'Bolder';
  size?: 'Small' | 'Medium' | 'Large';
  isSubtle?: boolean;
  fontType?: 'Monospace';
}

export interface RichTextBlock {
  type: 'RichTextBlock';
  inlines: TextRun[];
  spacing?: 'None' | 'Small' | 'Medium';
}

export interface Container {
  type: 'Container';
  style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
  bleed?: boolean;
  items: CardElement[];
}

export interface ColumnSet {
  type: 'ColumnSet';
  spacing?: 'None' | 'Small';
  columns: { type: 'Column'; width: number | 'auto' | 'stretch'; items: CardElement[] }[];
}

export type CardAction =
  | { type: 'Action.Execute'; title: string; verb: string; data: Record<string, string>; style?: 'positive' }
  | { type: 'Action.ShowCard'; title: string; card: NestedCard };

export interface NestedCard {
  type: 'AdaptiveCard';
  body: CardElement[];
  actions: CardAction[];
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: typeof teamsCardLimits.version;
  /** Teams: use the full message width instead of a narrow bubble. */
  msteams: { width: 'Full' };
  /** Shown by clients that cannot render the card (and read by screen readers). */
  fallbackText: string;
  body: CardElement[];
  actions?: CardAction[];
}

export function card(body: CardElement[], actions: CardAction[], fallbackText: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: teamsCardLimits.version,
    msteams: { width: 'Full' },
    fallbackText: plainLine(fallbackText, teamsCardLimits.summary),
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

/** A fixed label of vigil's own; never pass untrusted text (TextBlocks parse Markdown). */
export function label(text: string, options: Omit<TextBlock, 'type' | 'text' | 'wrap'> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

/** A text run of untrusted text: one line, cleaned and cut to `max`. */
export function run(text: string, options: Omit<TextRun, 'type' | 'text'> = {}, max?: number): TextRun {
  return { type: 'TextRun', text: plainLine(text, max ?? teamsCardLimits.textRun), ...options };
}

export function rich(inlines: TextRun[], spacing?: RichTextBlock['spacing']): RichTextBlock {
  return { type: 'RichTextBlock', inlines, ...(spacing ? { spacing } : {}) };
}

const ELLIPSIS = '…';

/**
 * Untrusted text made safe for a TextRun or a plain message: one line; control characters and
 * bidirectional controls removed (they can make "prod" display as "dorp", src/chat/clean-text.ts); `{{` broken up, since
 * Adaptive Cards expand `{{DATE(…)}}` even in text runs; cut to `max` with "…" without splitting a
 * surrogate pair.
 */
export function plainLine(text: string, max: number): string {
  const cleaned = withoutBidiControls(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\{\{/g, '{\u200b{')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return truncate(cleaned, max);
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}
