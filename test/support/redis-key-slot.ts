/**
 * The Redis Cluster hash slot of a key, computed as the cluster does: CRC16 (XModem: polynomial
 * 0x1021, initial value 0) of the key, or of its hash tag (the text between the first `{` and the
 * first `}` after it, when not empty), modulo 16384. Checked against the server's own
 * `CLUSTER KEYSLOT` in test/integration/redis-cluster.test.ts.
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b); // {
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
