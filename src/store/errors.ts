/** Errors the store raises for its own rules (the generic kinds live in domain/errors.ts). */
import { FatalError } from '../domain/errors.js';

/** The org URL cannot change once data has synced, unless the synced data is reset with it. */
export class ConnectionChangeRefused extends FatalError {
  constructor(readonly currentUrl: string, readonly requestedUrl: string) {
    super(
      'connection_change_refused',
      `The lead database already holds data synced from ${currentUrl}; connecting it to ${requestedUrl} ` +
        'would mix two organizations. Use --reset to clear the synced data and switch.',
    );
  }
}

/** Another writer saved this stream's checkpoint since it was read: a second runner is active. */
export class CheckpointConflictError extends FatalError {
  constructor(readonly stream: string, readonly expectedVersion: number | null) {
    super(
      'checkpoint_conflict',
      expectedVersion === null
        ? `The checkpoint of ${stream} was created by another runner meanwhile`
        : `The checkpoint of ${stream} is no longer at version ${expectedVersion}: another runner saved it meanwhile`,
    );
  }
}
