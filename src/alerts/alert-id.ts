// No 0/o, 1/l/i: ids are read off a phone screen and typed into `/k8s ack a7k2q`.
const letters = 'abcdefghjkmnpqrstuvwxyz';
const chars = `${letters}23456789`;

/**
 * The short id for the n-th alert of an install (n >= 1, from a Redis counter): 5 characters while
 * n < 23 * 31^4 (21 million), then 6, and so on. A fixed bijection scrambles the counter so that
 * consecutive alerts do not read as `aaaab`, `aaaac`, and a typo rarely hits another live alert.
 * The first character is a letter: BullMQ refuses all-digit job ids, and an id never looks like a number.
 */
export function alertIdFor(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`alert counter must be a positive integer, got ${n}`);
  let index = BigInt(n - 1);
  for (let length = 5; ; length++) {
    const size = BigInt(letters.length) * BigInt(chars.length) ** BigInt(length - 1);
    if (index < size) return encode(scramble(index, size), length);
    index -= size;
  }
}

// Multiplying by a constant coprime to the size (it is not divisible by 23 or 31) is a bijection.
const multiplier = 15_485_863n;
const offset = 7_368_787n;

function scramble(index: bigint, size: bigint): bigint {
  return (index * multiplier + offset) % size;
}

function encode(value: bigint, length: number): string {
  const base = BigInt(chars.length);
  let rest = value;
  let tail = '';
  for (let i = 1; i < length; i++) {
    tail = chars[Number(rest % base)] + tail;
    rest /= base;
  }
  return letters[Number(rest)] + tail;
}
