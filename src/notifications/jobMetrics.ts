import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../context';
import { JOB_STATUSES, jobCounts } from './queue';

/**
 * `parley_jobs{status="queued|running|retrying|sent|dead"}` for /metrics, read from the outbox at
 * scrape time (so every instance reports the same, shared numbers). Alert on dead > 0 or a growing retrying.
 */
export function registerJobMetrics(registry: Registry, ctx: Pick<AppContext, 'prisma'>): Gauge<'status'> {
  return new Gauge({
    name: 'parley_jobs',
    help: 'Notification jobs in the outbox, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await jobCounts(ctx);
      for (const s of JOB_STATUSES) this.set({ status: s }, counts[s]);
    },
  });
}
