/**
 * A snooze duration as its button or menu option reads it, on every chat platform: "1h" → "1 h",
 * "30m" → "30 min", "1h30m" → "1 h 30 min" (the units of compact-duration.ts); anything else as
 * given.
 */
export function durationLabel(duration: string): string {
  if (!/^(?:\d+[mhdw])+$/.test(duration)) return duration;
  return [...duration.matchAll(/(\d+)([mhdw])/g)]
    .map(([, n, u]) => `${n} ${u === 'm' ? 'min' : u}`)
    .join(' ');
}
