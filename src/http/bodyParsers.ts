import express, { type RequestHandler } from 'express';
import { AppError } from './AppError';

/**
 * Body parsing with a size limit, and a clear 415 for any content type the endpoint does not take.
 * `allowForm` lets plain HTML forms post (application/x-www-form-urlencoded).
 */
export function parseBody(limitBytes: number, opts: { allowForm?: boolean } = {}): RequestHandler[] {
  const json = express.json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  const form = express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: 50 });
  const requireType: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const types = opts.allowForm ? ['application/json', 'application/*+json', 'application/x-www-form-urlencoded'] : ['application/json', 'application/*+json'];
    if (!req.is(types)) {
      return next(
        new AppError(
          'unsupported_media_type',
          opts.allowForm ? 'Send JSON or a form (application/x-www-form-urlencoded).' : 'Send JSON (application/json).',
        ),
      );
    }
    next();
  };
  return opts.allowForm ? [requireType, json, form] : [requireType, json];
}
