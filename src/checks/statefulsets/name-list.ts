/** "mongo-1", "mongo-1 and mongo-2", "mongo-1, mongo-2 and mongo-3", "a, b, c and 7 more". */
export function nameList(names: readonly string[], max = 4): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length > max) return `${names.slice(0, max - 1).join(', ')} and ${names.length - (max - 1)} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** Verb agreement for a list built by nameList: "is" / "are". */
export function isAre(count: number): string {
  return count === 1 ? 'is' : 'are';
}
