import express, { type RequestHandler } from 'express';
import { AppError } from './AppError';

const JSON_TYPES = ['application/json', 'application/*+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Body parsing with a size limit, and a clear 415 for any content type the endpoint does not take.
 * `allowForm` lets plain HTML forms post (application/x-www-form-urlencoded).
 * One handler that looks at the content type once and hands the request to the one parser it needs (each
 * router layer and each parser's own type check cost every request on the busiest write path).
 */
export function parseBody(limitBytes: number, opts: { allowForm?: boolean } = {}): RequestHandler[] {
  const anyType = () => true; // the type is checked here, once
  const json = express.json({ limit: limitBytes, strict: true, type: anyType });
  const form = opts.allowForm ? express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: 50, type: anyType }) : null;
  const parse: RequestHandler = (req, res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    if (req.is(JSON_TYPES)) return json(req, res, next);
    if (form && req.is(FORM_TYPE)) return form(req, res, next);
    next(
      new AppError(
        'unsupported_media_type',
        form ? 'Send JSON or a form (application/x-www-form-urlencoded).' : 'Send JSON (application/json).',
      ),
    );
  };
  return [parse];
}
