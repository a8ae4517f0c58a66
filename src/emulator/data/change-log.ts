/**
 * Append-only change log of one table: (version, row, kind) in version order. Versions come from the
 * organization-wide counter, so they are unique and increasing; a delta read binary-searches its
 * token's version and walks forward. Seeded rows are not logged: every token is issued after seeding.
 */
export const UPSERT = 0;
export const DELETE = 1;

export class ChangeLog {
  versions = new Float64Array(1024);
  rows = new Int32Array(1024);
  kinds = new Uint8Array(1024);
  length = 0;

  append(version: number, row: number, kind: typeof UPSERT | typeof DELETE): void {
    if (this.length === this.versions.length) this.grow();
    this.versions[this.length] = version;
    this.rows[this.length] = row;
    this.kinds[this.length] = kind;
    this.length++;
  }

  /** Index of the first entry with a version strictly greater than `version`. */
  firstAfter(version: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.versions[mid]! <= version) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const n = this.versions.length * 2;
    const v = new Float64Array(n);
    v.set(this.versions);
    this.versions = v;
    const r = new Int32Array(n);
    r.set(this.rows);
    this.rows = r;
    const k = new Uint8Array(n);
    k.set(this.kinds);
    this.kinds = k;
  }
}
