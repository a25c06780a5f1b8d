/**
 * Captures a command's output with a byte cap that keeps the tail: the end of a failing command's output is where
 * its error is, so the front is what gets dropped.
 */

/** Collects chunks up to `maxBytes`, dropping the oldest bytes beyond it. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  /** @param maxBytes upper bound on the bytes kept */
  constructor(private readonly maxBytes: number) {}

  /** Appends a chunk, then drops whole or partial chunks from the front until the cap holds. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length > 0) {
      const excess = this.size - this.maxBytes;
      const first = this.chunks[0]!;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** The kept bytes as UTF-8; after truncation, a multi-byte character cut at the front is skipped, not mangled. */
  text(): string {
    let buf = Buffer.concat(this.chunks);
    if (this.truncated) {
      let start = 0;
      // 0b10xxxxxx bytes continue a character whose first byte was dropped.
      while (start < buf.length && start < 3 && (buf[start]! & 0xc0) === 0x80) start++;
      buf = buf.subarray(start);
    }
    return buf.toString("utf8");
  }
}
