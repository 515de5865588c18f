/**
 * The store could not complete an operation in time: a timeout, a network failure, or an error
 * from the service. Callers treat it as "KV is down" and degrade (fail open); `cause` holds the
 * underlying error for the operator's log.
 */
export class KvUnavailableError extends Error {
  override name = 'KvUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
