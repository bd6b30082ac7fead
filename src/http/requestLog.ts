import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { safePath } from '../logger';

/**
 * An X-Request-Id on every response and one log line per request: `request completed` (or `request aborted`
 * when the client went away first) with the id, method, path without its query string, status and time taken,
 * at info, or at error for a 5xx. Health checks are not logged.
 *
 * In place of pino-http, which built a child logger with its serializers for every request: that was ~8% of
 * a POST's allocations even when the level drops the line. Here the child logger that carries the request id
 * is made only when something logs during the request (loggerFor, used by the error middleware).
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    (req as RequestWithLog)[REQUEST] = { id, log };
    if (req.url !== '/healthz' && req.url !== '/readyz') {
      res.once('close', () => {
        const failed = res.statusCode >= 500 || !res.writableFinished;
        if (!log.isLevelEnabled(failed ? 'error' : 'info')) return;
        const line = { res: { status: res.statusCode }, responseTime: Math.round(performance.now() - started) };
        loggerFor(req)?.[failed ? 'error' : 'info'](line, res.writableFinished ? 'request completed' : 'request aborted');
      });
    }
    next();
  };
}

const REQUEST = Symbol('parley.request');
type RequestWithLog = Request & { [REQUEST]?: { id: string; log: Logger; child?: Logger } };

/** The request's logger: its lines carry the request id (the one in X-Request-Id), method and path. */
export function loggerFor(req: Request): Logger | undefined {
  const entry = (req as RequestWithLog)[REQUEST];
  if (!entry) return undefined;
  entry.child ??= entry.log.child({ req: { id: entry.id, method: req.method, path: safePath(req.originalUrl) } });
  return entry.child;
}
