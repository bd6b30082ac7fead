import compression from 'compression';
import express, { type Express } from 'express';
import { publicCommentsRoutes } from './comments/routes';
import { feedRouter } from './feeds/feedRoutes';
import { privacyRouter } from './privacy/privacyRoutes';
import { webhookRouter } from './webhooks/webhookRoutes';
import { consoleAuthRouter } from './console/authRoutes';
import { siteAdminRouter } from './sites/siteAdminRoutes';
import { consolePagesRouter } from './console/pageRoutes';
import type { AppContext } from './context';
import { AppError } from './http/AppError';
import { errorMiddleware, notFoundHandler } from './http/errorMiddleware';
import { createMetrics } from './http/metrics';
import { opsRouter } from './http/opsRoutes';
import { importRouter } from './importExport/importRoutes';
import { requestLog } from './http/requestLog';
import { securityHeaders } from './http/securityHeaders';
import { inSequence } from './http/inSequence';
import { moderationRouter } from './moderation/routes';
import { rulesRouter } from './moderation/rulesRoutes';
import { notificationsRouter } from './notifications/routes';
import { subscriptionsRouter } from './notifications/subscriptionRoutes';
import { widgetRouter } from './widget/routes';

export interface AppState {
  shuttingDown: () => boolean;
  /** False until start-up has finished (demo site created, worker started): /healthz and /readyz say 503 until then. */
  ready?: () => boolean;
}

/** Assembles the HTTP app: the order of middleware here is the order a request meets them. */
export function createApp(ctx: AppContext, state: AppState = { shuttingDown: () => false }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('etag', false); // the thread computes its own ETag; others need none

  // Only reads are worth compressing: a POST, PATCH or DELETE answers with a small JSON body, and gzipping it
  // costs a threadpool hop and a chunked response for a few hundred bytes saved.
  const compress = compression({ threshold: 1024 });
  // The public thread sends its bodies precompressed (src/comments/routes.ts); on the busiest route the
  // middleware's wrappers were ~7 KB of garbage per request for nothing.
  const ENCODES_ITSELF = /^\/api\/v1\/sites\/[^/]+\/comments$/;
  const metrics = createMetrics(ctx);
  // What every request meets, as one router layer (src/http/inSequence.ts).
  app.use(
    inSequence(
      requestLog(ctx.log),
      // During shutdown, refuse new work so in-flight requests can drain.
      (_req, res, next) => {
        if (!state.shuttingDown()) return next();
        res.setHeader('Connection', 'close');
        next(new AppError('unavailable', 'The service is restarting. Please retry shortly.'));
      },
      securityHeaders({
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:'],
            formAction: ["'self'"],
            frameAncestors: ["'self'"],
            objectSrc: ["'none'"],
            baseUri: ["'none'"],
            // Self-hosted installs may serve plain http on a LAN; forcing https would break their forms.
            upgradeInsecureRequests: null,
          },
        },
      }),
      (req, res, next) => ((req.method === 'GET' || req.method === 'HEAD') && !ENCODES_ITSELF.test(req.path) ? compress(req, res, next) : next()),
      metrics.observe,
    ),
  );
  // server.ts serves these on METRICS_PORT when one is configured.
  app.locals.serveMetrics = metrics.serve;

  // The public comment endpoints first: a router that matches nothing hands on through setImmediate (one more
  // event-loop turn), and the busiest requests should not pay that for the ops routes (no paths in common).
  app.use(publicCommentsRoutes(ctx));
  app.use(opsRouter(ctx, state));
  app.use(metrics.router);
  app.use(moderationRouter(ctx));
  for (const mount of extraRouters) app.use(mount(ctx));

  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}

/** Routers of features assembled elsewhere (widget, notifications, rules), in mounting order. */
const extraRouters: Array<(ctx: AppContext) => express.Router> = [importRouter, widgetRouter, notificationsRouter, subscriptionsRouter, rulesRouter, consoleAuthRouter, siteAdminRouter, consolePagesRouter, privacyRouter, feedRouter, webhookRouter];
