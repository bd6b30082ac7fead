import { Router } from 'express';
import type { AppContext } from '../context';
import { buildOpenApiDocument } from './openapi';

/** Liveness, readiness and the API description. */
export function opsRouter(ctx: AppContext, state: { shuttingDown: () => boolean; ready?: () => boolean }): Router {
  const router = Router();
  // The server listens before start-up ends (the demo site needs the listening URL): say so until it has.
  const starting = () => state.ready?.() === false;
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (starting()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (starting()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    if (state.shuttingDown()) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    try {
      await withTimeout(ctx.pool.query('SELECT 1'), 2000);
      // A replica that is down or behind does not make the service unready (reads use the primary), but say so.
      const replica = ctx.readReplica?.state().status;
      res.json({ status: 'ready', database: 'ok', ...(replica ? { replica } : {}) });
    } catch {
      res.status(503).json({ status: 'not_ready', database: 'unreachable' });
    }
  });
  let openapi: string | undefined;
  router.get('/api/v1/openapi.json', (_req, res) => {
    openapi ??= JSON.stringify(buildOpenApiDocument(ctx.publicUrl));
    res.type('application/json; charset=utf-8').send(openapi);
  });
  return router;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
