/** The stable codes a client can switch on; the HTTP status follows from the code. */
export const errorStatus = {
  invalid_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus | (string & {});

/** The one error the API throws for anything it refuses; rendered by the app's error handler. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toJSON(requestId?: string) {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error, requestId };
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);

export const conflict = (code: string, message: string, details?: unknown) =>
  new ApiError(409, code, message, details);

export const invalid = (message: string, details?: unknown) =>
  new ApiError(400, 'invalid_request', message, details);
