/**
 * The one-time setup code: while no admin password is set, only someone who can read the
 * server's console (where it is printed at start) may choose it, not whoever reaches the page
 * first. 16 characters of a 32-letter alphabet without look-alikes: 80 bits.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

const canonical = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');
const digest = (code: string): Buffer => createHash('sha256').update(canonical(code)).digest();

export class SetupCode {
  #code: string | null = null;

  /** Makes a new code (the previous one stops working) and returns it grouped for reading: ABCD-EFGH-JKLM-NPQR. */
  arm(): string {
    // 256 is a multiple of 32: every letter is equally likely.
    const letters = [...randomBytes(LENGTH)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    this.#code = letters.match(/.{4}/g)!.join('-');
    return this.#code;
  }

  get code(): string | null {
    return this.#code;
  }

  /** Dashes, spaces and case do not matter; compared in constant time. */
  matches(input: string | undefined): boolean {
    if (this.#code === null || !input) return false;
    return timingSafeEqual(digest(input), digest(this.#code));
  }

  /** The password is set: the code is spent. */
  consume(): void {
    this.#code = null;
  }
}
