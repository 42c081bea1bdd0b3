import type { AlertState } from '../../domain/alert.js';
import type { Severity } from '../../domain/severity.js';
import type { Container, TextBlock } from './adaptive-card.js';

export interface SeverityStyle {
  /** Unicode, since Teams does not expand Slack-style `:red_circle:` codes. */
  emoji: string;
  label: string;
  container: NonNullable<Container['style']>;
  color?: TextBlock['color'];
}

/** Colour and label per severity; a resolved alert turns green whatever it was. */
export function severityStyle(severity: Severity, state: AlertState): SeverityStyle {
  if (state === 'resolved') return { emoji: '✅', label: 'Resolved', container: 'good', color: 'Good' };
  switch (severity) {
    case 'critical':
      return { emoji: '🔴', label: 'Critical', container: 'attention', color: 'Attention' };
    case 'warning':
      return { emoji: '🟠', label: 'Warning', container: 'warning', color: 'Warning' };
    case 'unknown':
      // Unknown means vigil could not look (unreachable, forbidden): a blind spot, not an all-clear.
      return { emoji: '⚪', label: 'Unknown', container: 'emphasis' };
    case 'ok':
      return { emoji: '🟢', label: 'OK', container: 'good', color: 'Good' };
  }
}

export function stateLabel(state: AlertState): string {
  switch (state) {
    case 'firing':
      return 'Firing';
    case 'acknowledged':
      return 'Acknowledged';
    case 'snoozed':
      return 'Snoozed';
    case 'resolved':
      return 'Resolved';
  }
}
