/**
 * Turns a value a person typed (CLI, API, UI) into the value stored for a field, by the field's
 * Dynamics type, with the same limits the sync applies. Picklists take a label or an option value.
 */
import { InvalidInputError, type CatalogField } from '../domain/index.js';
import { convertValue, type LocalValue } from './convert.js';
import { SkippableError } from '../domain/index.js';

export function coerceLocalValue(field: CatalogField, input: unknown): LocalValue {
  if (input === null || input === undefined || input === '') return null;
  const typed = fromInput(field, input);
  try {
    return convertValue(field, typed);
  } catch (err) {
    if (err instanceof SkippableError) throw new InvalidInputError(err.code, err.message);
    throw err;
  }
}

function fromInput(field: CatalogField, input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const text = input.trim();
  switch (field.attributeType) {
    case 'Integer':
    case 'BigInt':
    case 'Money':
    case 'Decimal':
    case 'Double':
      return text === '' || Number.isNaN(Number(text)) ? input : Number(text);
    case 'Boolean':
      return /^(true|yes|1)$/i.test(text) ? true : /^(false|no|0)$/i.test(text) ? false : input;
    case 'Picklist':
    case 'State':
    case 'Status': {
      const byLabel = field.options?.find((o) => o.label.toLowerCase() === text.toLowerCase());
      return byLabel ? byLabel.value : /^-?\d+$/.test(text) ? Number(text) : input;
    }
    default:
      return input;
  }
}
