/**
 * The one error type that crosses layers. The HTTP status comes from the code via STATUS_BY_CODE,
 * and src/http/errorMiddleware.ts is the one place that turns it into the contract's error shape.
 */
export const STATUS_BY_CODE = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  duplicate_comment: 409,
  comments_closed: 409,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    /** Seconds, for rate_limited and unavailable. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS_BY_CODE[code];
  }
}

export const errors = {
  validation: (fields: Record<string, string>, message = 'Some fields need attention.') =>
    new AppError('validation_failed', message, fields),
  unauthorized: (message = 'A valid API key is required.') => new AppError('unauthorized', message),
  forbidden: (message = 'You may not do this.') => new AppError('forbidden', message),
  notFound: (what = 'Resource') => new AppError('not_found', `${what} not found.`),
  duplicate: () =>
    new AppError('duplicate_comment', 'You already posted this comment on this page.'),
  closed: () => new AppError('comments_closed', 'Comments are closed on this page.'),
  rateLimited: (retryAfter: number) =>
    new AppError('rate_limited', 'Too many comments in a short time. Please wait and try again.', undefined, retryAfter),
  unavailable: (message = 'The service is temporarily unavailable. Please retry shortly.') =>
    new AppError('unavailable', message, undefined, 5),
};
