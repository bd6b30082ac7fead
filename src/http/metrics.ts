import crypto from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import express from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context';
import { AppError } from './AppError';
import { registerJobMetrics } from '../notifications/jobMetrics';

/**
 * Prometheus metrics at /metrics (behind METRICS_TOKEN, or on METRICS_PORT; see server.ts): request durations by route (the route pattern, never the URL, so no
 * ids or page keys), the shared notification queue by status, and the process's own figures.
 * Aggregates only: nothing here identifies a reader.
 */
export function createMetrics(ctx: AppContext): { router: Router; observe: RequestHandler; serve: RequestHandler } {
  const registry = new Registry();
  if (ctx.config.env !== 'test') collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  registerJobMetrics(registry, ctx);
  const duration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const observe: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      // The public comment routes match their paths themselves (src/comments/routes.ts) and name their pattern.
      const route = (res.locals.routePattern as string | undefined) ?? (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  const serve: RequestHandler = async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  };
  // On the public port only with METRICS_TOKEN; otherwise it falls through to the 404 (or lives on METRICS_PORT).
  const router = express.Router();
  const token = ctx.config.metricsToken;
  if (token) {
    router.get('/metrics', (req, _res, next) => {
      if (!bearerMatches(req.headers.authorization, token)) {
        next(new AppError('unauthorized', 'A valid metrics token is required.'));
        return;
      }
      next();
    }, serve);
  }
  return { router, observe, serve };
}

/** Constant-time comparison of "Bearer <token>" (hashes first, so lengths do not leak either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(m[1]), digest(token));
}
