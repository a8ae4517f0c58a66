/** `$select` → properties to write, plus the `@odata.context` fragment that echoes it. */
import { allProperties, type PropertyRef, resolveProperty } from './properties.js';
import type { TableStore } from './table-store.js';

export interface Selection {
  props: PropertyRef[];
  /** `accounts(name,telephone1)` or `accounts`. */
  contextPath: string;
}

export function resolveSelection(store: TableStore, select: readonly string[] | undefined): Selection {
  const set = store.def.entitySetName;
  if (!select || select.length === 0) return { props: allProperties(store), contextPath: set };
  const props: PropertyRef[] = [];
  const seen = new Set<string>();
  for (const name of select) {
    const p = resolveProperty(store, name);
    if (seen.has(p.wire) || !p.def) continue;
    seen.add(p.wire);
    props.push(p);
  }
  // Selecting a money column also returns the currency it is in, as Dataverse does.
  if (
    props.some((p) => p.def?.type === 'Money') &&
    store.column('transactioncurrencyid') &&
    !seen.has('_transactioncurrencyid_value')
  ) {
    props.push(resolveProperty(store, '_transactioncurrencyid_value'));
  }
  return { props, contextPath: `${set}(${select.join(',')})` };
}
