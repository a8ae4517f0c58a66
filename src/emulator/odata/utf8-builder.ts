/**
 * Builds a response body as UTF-8 bytes, piece by piece. A 5,000-row page built as one string keeps
 * every row's string pieces alive until the final join, which overflows V8's young generation and
 * made garbage collection half of the emulator's serving time. Written here row by row, each row's
 * string dies young (cheap to collect) and the page is one off-heap buffer the socket sends as is.
 */
export class Utf8Builder {
  #buf: Buffer;
  #pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * Makes room for about `bytes` more bytes at once. Buffers live outside V8's heap, but every
   * allocation counts toward its external-memory pressure: growing a 5 MB page by doubling from
   * 64 KB allocated 16 MB per page and set off a full collection of the (large) seeded heap every
   * few pages.
   */
  reserve(bytes: number): void {
    if (this.#pos + bytes > this.#buf.length) this.#grow(this.#pos + bytes);
  }

  append(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#pos + s.length * 3 > this.#buf.length) this.#grow(this.#pos + s.length * 3);
    this.#pos += this.#buf.write(s, this.#pos);
  }

  get length(): number {
    return this.#pos;
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  #grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, Math.floor(this.#buf.length * 1.5)));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }
}
