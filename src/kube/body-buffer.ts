/**
 * One buffer that successive pages of a walk are read into, chunk by chunk as they arrive. Why: a
 * body collected whole (an array of chunks joined at the end) keeps every network chunk alive until
 * it is complete, long enough for V8 to promote them to the old generation, where they wait for a
 * full GC; on a 10,000-Secret scan that was 80 MB of dead buffers at the peak (BENCHMARKS.md "TLS
 * Secret scan at scale"). Here each chunk dies young and the walk holds one page's worth of bytes,
 * reused for the next page. The Buffer `read` returns is valid until the next `read`.
 */
export class BodyBuffer {
  private buf = Buffer.alloc(0);

  /**
   * Reads the whole stream. `peek`, when given, sees the bytes received so far after each chunk
   * until it returns true (list-in-pages.ts reads the next continue token from a body's head).
   */
  async read(stream: AsyncIterable<Uint8Array>, peek?: (soFar: Buffer) => boolean): Promise<Buffer> {
    let length = 0;
    let peeking = peek !== undefined;
    for await (const chunk of stream) {
      if (length + chunk.length > this.buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(length + chunk.length, this.buf.length * 2, 64 * 1024));
        this.buf.copy(grown, 0, 0, length);
        this.buf = grown;
      }
      this.buf.set(chunk, length);
      length += chunk.length;
      if (peeking && peek?.(this.buf.subarray(0, length))) peeking = false;
    }
    return this.buf.subarray(0, length);
  }
}
