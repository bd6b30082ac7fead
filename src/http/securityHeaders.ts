import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers, worked out once. helmet runs a chain of thirteen small middlewares on every request to
 * set headers that never change with the request (no nonces here); this runs that chain once at start-up,
 * records what it sets, and sets the same headers in one step. Routes that need other values (the widget
 * and embed pages) still override them afterwards.
 */
export function securityHeaders(options: HelmetOptions): RequestHandler {
  const headers: Array<[string, string | number | readonly string[]]> = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, value]),
    removeHeader: () => {},
  };
  let done = false;
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  // helmet is synchronous today; should that change, fail at start-up rather than serve without headers.
  if (!done) throw new Error('helmet did not finish synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
