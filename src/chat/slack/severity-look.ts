import type { AlertState } from '../../domain/alert.js';
import type { Severity } from '../../domain/severity.js';

/** Emoji and label per severity; a resolved alert shows a check mark whatever it was. */
export function severityLook(severity: Severity, state: AlertState): { emoji: string; label: string } {
  if (state === 'resolved') return { emoji: ':white_check_mark:', label: 'Resolved' };
  switch (severity) {
    case 'critical':
      return { emoji: ':red_circle:', label: 'Critical' };
    case 'warning':
      return { emoji: ':large_yellow_circle:', label: 'Warning' };
    case 'unknown':
      // Unknown means vigil could not look (unreachable, forbidden): a blind spot, not an all-clear.
      return { emoji: ':white_circle:', label: 'Unknown' };
    case 'ok':
      return { emoji: ':large_green_circle:', label: 'OK' };
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
