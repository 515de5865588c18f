import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ApiError } from '../lib/errors.ts';
import type { AppEnv, LogFn } from './env.ts';

/** Turns a failed schema check into a 400 that names the first offending field. */
export function validationError(error: ZodError, target: string): ApiError {
  const issues = error.issues.map((issue) => ({
    field: issue.path.join('.') || target,
    message: issue.message,
  }));
  const first = issues[0];
  const message = first ? `${first.field}: ${first.message}` : `invalid ${target}`;
  return new ApiError(400, 'invalid_request', message, { target, issues });
}

function fromHttpException(err: HTTPException): ApiError {
  switch (err.status) {
    case 400:
      return new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
    case 401:
      return new ApiError(401, 'unauthorized', err.message || 'unauthorized');
    case 413:
      return new ApiError(413, 'payload_too_large', 'the request body is too large');
    case 415:
      return new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
    default:
      return new ApiError(err.status, 'http_error', err.message || 'request refused');
  }
}

/** The app's one error handler: every refusal leaves in the same JSON envelope. */
export function createErrorHandler(log?: LogFn) {
  return function handleError(err: Error, c: Context<AppEnv>) {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof HTTPException) apiError = fromHttpException(err);
    else {
      log?.({
        level: 'error',
        msg: 'unhandled error',
        requestId: c.get('requestId'),
        error: err.message,
        stack: err.stack,
      });
      apiError = new ApiError(500, 'internal', 'something went wrong on our side');
    }
    if (apiError.status === 429 && apiError.details && typeof apiError.details === 'object') {
      const retry = (apiError.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry !== undefined) c.header('Retry-After', String(retry));
    }
    return c.json(apiError.toJSON(c.get('requestId')), apiError.status as 400);
  };
}
