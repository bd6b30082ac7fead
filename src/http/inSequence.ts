import type { RequestHandler } from 'express';

/**
 * Synchronous middlewares run one after another as a single router layer: express spends a path match and
 * URL bookkeeping on every layer of every request, and the app-wide basics (request id and log, security
 * headers, metrics) have no path. An error passed to next, or thrown, skips the rest as express would.
 * Only for middlewares that call next before returning or from a callback, never from a rejected promise.
 */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let i = 0;
    const next = (err?: unknown) => {
      if (err || i === handlers.length) return done(err);
      handlers[i++](req, res, next);
    };
    next();
  };
}
