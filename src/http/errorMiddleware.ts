import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './AppError';
import { loggerFor } from './requestLog';

/** Errors from libraries, translated to our codes. Anything unknown becomes a logged `internal`. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; code?: string; status?: number; name?: string; message?: string };
  // body-parser (express.json / urlencoded)
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError('validation_failed', 'The request body is not valid JSON.', { _: 'Invalid JSON.' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Unsupported request encoding or charset.');
    case 'parameters.too.many':
      return new AppError('payload_too_large', 'Too many form parameters.');
  }
  if (e?.status === 400 && e?.type) {
    return new AppError('validation_failed', 'The request body could not be read.', { _: 'Malformed body.' });
  }
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', 'The database is not reachable. Please retry shortly.', undefined, 5);
  // URIError from decodeURIComponent on a malformed path
  if (err instanceof URIError) return new AppError('validation_failed', 'Malformed URL.', { _: 'Malformed URL.' });
  return undefined;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', 'P1001', 'P1002', 'P1017', 'P2024',
  // P2028: a transaction could not start in time (pool exhausted under load): overload, not a bug.
  'P2028',
]);

// Prisma's driver adapter reports a lost database as a kind on a wrapped error (e.g. a P2010 raw query failure).
const UNREACHABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);

export function isDatabaseUnavailable(err: unknown): boolean {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const c = cur as { code?: string; message?: string; cause?: unknown; name?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
    if (c.code && CONNECTION_ERROR_CODES.has(c.code)) return true;
    const adapterKind = c.meta?.driverAdapterError?.cause?.kind;
    if (adapterKind && UNREACHABLE_ADAPTER_KINDS.has(adapterKind)) return true;
    const msg = c.message ?? '';
    if (
      /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Can't reach database server|Client has encountered a connection error|Cannot use a pool after calling end|terminating connection/i.test(
        msg,
      )
    ) {
      return true;
    }
    cur = c.cause;
  }
  return false;
}

export function errorBody(err: AppError) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
    },
  };
}

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = toAppError(err) ?? new AppError('internal', 'Something went wrong on our side.');
  if (appError.code === 'internal') {
    // The request id lets an operator find this line; the error itself never reaches the client.
    loggerFor(req)?.error({ err }, 'unhandled error');
  } else if (appError.code === 'unavailable') {
    loggerFor(req)?.warn({ code: (err as { code?: string })?.code }, 'database unavailable');
  }
  if (res.headersSent) return;
  if (appError.retryAfter !== undefined) res.setHeader('Retry-After', String(appError.retryAfter));
  res.status(appError.status).json(errorBody(appError));
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError('not_found', 'No such endpoint.'));
};
