/**
 * Database errors as they may travel and be logged: without the statement's parameter values.
 * PGlite attaches the parameters to its errors (`params`), and PostgreSQL quotes values in the
 * message of a data exception (`invalid input syntax for type uuid: "…"`), in `detail` (`Key
 * (email)=(…)`, `Failing row contains (…)`) and in a COPY's `where` (`line 3, column x: "…"`).
 * Those are people's data (email addresses, names), so they are cut here, where every error leaves
 * the driver; the SQLSTATE code, the statement and the rest of the message stay for diagnosis.
 */
const LEFT_OUT = '(value left out)';

export function redactDbError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as Record<string, unknown> & { message?: unknown; stack?: unknown };
  delete e.params;
  delete e.queryOptions;
  if (typeof e.detail === 'string' && /\)=\(|Failing row contains|\bvalue\b.*"/i.test(e.detail)) e.detail = LEFT_OUT;
  if (typeof e.where === 'string' && /^COPY /.test(e.where)) e.where = e.where.replace(/(, column [^:]+)?: .*$/s, '$1');
  // Class 22, data exceptions: the message ends with the offending value in quotes.
  if (typeof e.code === 'string' && e.code.startsWith('22') && typeof e.message === 'string') {
    const message = e.message.replace(/: ".*"$/s, `: ${LEFT_OUT}`);
    if (typeof e.stack === 'string') e.stack = e.stack.replace(e.message, message);
    e.message = message;
  }
  return err;
}

/** The promise's rejection, redacted. */
export const redacting = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err: unknown) => Promise.reject(redactDbError(err)));
