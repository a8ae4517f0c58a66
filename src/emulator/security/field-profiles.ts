/**
 * A user's field security profile: per secured column, whether the user may read, create and
 * update it (Dataverse's fieldpermission canread / cancreate / canupdate). `all` stands for a
 * profile that lists every secured column as allowed (the `'*'` option); `revoked` overrides it.
 */
export type FieldRight = 'read' | 'create' | 'update';
export const FIELD_RIGHTS: readonly FieldRight[] = ['read', 'create', 'update'];

interface Grant {
  all: boolean;
  granted: Set<string>;
  revoked: Set<string>;
}

export class FieldProfile {
  readonly #rights: Record<FieldRight, Grant>;

  constructor(read: string[] | '*' | undefined, write: string[] | '*' | undefined) {
    const grant = (g: string[] | '*' | undefined): Grant => ({
      all: g === '*',
      granted: new Set(g === '*' ? [] : (g ?? [])),
      revoked: new Set(),
    });
    this.#rights = { read: grant(read), create: grant(write), update: grant(write) };
  }

  static full(): FieldProfile {
    return new FieldProfile('*', '*');
  }

  can(right: FieldRight, key: string): boolean {
    const g = this.#rights[right];
    return !g.revoked.has(key) && (g.all || g.granted.has(key));
  }

  /** Whether the profile says anything about this column (RetrievePrincipalAttributePrivileges lists only those). */
  lists(key: string): boolean {
    return FIELD_RIGHTS.some((r) => {
      const g = this.#rights[r];
      return g.all || g.granted.has(key) || g.revoked.has(key);
    });
  }

  set(right: FieldRight, key: string, allowed: boolean): void {
    const g = this.#rights[right];
    if (allowed) {
      g.revoked.delete(key);
      g.granted.add(key);
    } else {
      g.granted.delete(key);
      g.revoked.add(key);
    }
  }
}
