/**
 * The chart's few flat colours. Few colours keep the PNG small (render-png.ts writes it with a
 * palette), which is what lets it ride a Teams card as a data URI.
 */
export const chartColors = {
  background: '#ffffff',
  text: '#1d1d1f',
  muted: '#5f6368',
  grid: '#d9dce0',
  band: '#fbe9e7',
  critical: '#c62828',
  warning: '#e08600',
  ok: '#2e7d32',
  unknown: '#6d4c8f',
} as const;
