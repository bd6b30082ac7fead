import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { AppError } from '../http/AppError';
import type { PrismaClient } from '../generated/prisma/client';
import { createPool } from './pool';
import { createPrismaClient } from './prismaClient';

/**
 * A streaming replica for public reads (thread, counts, feeds), used only while it keeps up.
 *
 * Lag is measured in time from WAL positions, not from pg_last_xact_replay_timestamp(): on an idle primary
 * that timestamp grows old although nothing is missing. Each check reads the primary's current WAL position
 * first, then how far the replica has replayed. If the replica has replayed past that position it is
 * caught up (lag 0); otherwise its lag is the age of the latest earlier check whose primary position it has
 * replayed. Down, erroring or further behind than maxLagMs: reads go to the primary until a check says otherwise.
 */
export interface ReadReplica {
  pool: Pool;
  prisma: PrismaClient;
  /** True while the last check found the replica answering and within the allowed lag. */
  healthy(): boolean;
  state(): ReplicaState;
  /** A query on the replica failed: use the primary until the next good check. */
  markDown(reason: string): void;
  /** Runs one check now (tests, start-up). */
  check(): Promise<ReplicaState>;
  close(): Promise<void>;
}

export interface ReplicaState {
  status: 'ok' | 'lagging' | 'down' | 'unknown';
  /** Estimated replay lag in milliseconds (null when unknown). */
  lagMs: number | null;
}

interface Sample { at: number; lsn: bigint }

export function startReadReplica(opts: {
  url: string;
  schema?: string;
  poolSize: number;
  connectTimeoutMs: number;
  maxLagMs: number;
  primary: Pool;
  log: Logger;
  /** How often to check; default a quarter of maxLagMs, between 250 ms and 2 s. */
  checkEveryMs?: number;
}): ReadReplica {
  const pool = createPool({ connectionString: opts.url, max: opts.poolSize, connectTimeoutMs: opts.connectTimeoutMs, schema: opts.schema });
  const prisma = createPrismaClient(pool, opts.schema);
  let state: ReplicaState = { status: 'unknown', lagMs: null };
  let samples: Sample[] = [];
  let running: Promise<ReplicaState> | null = null;

  const setState = (next: ReplicaState, reason?: string) => {
    if (next.status !== state.status) {
      const fields = { replica: next.status, lagMs: next.lagMs, reason };
      if (next.status === 'ok') opts.log.info(fields, 'read replica in use');
      else opts.log.warn(fields, 'read replica not in use: reads go to the primary');
    }
    state = next;
  };

  async function checkOnce(): Promise<ReplicaState> {
    const timeout = Math.max(opts.connectTimeoutMs, 1000);
    try {
      const at = Date.now();
      const primary = await withTimeout(opts.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'), timeout);
      const primaryLsn = parseLsn(primary.rows[0].lsn);
      const replica = await withTimeout(
        pool.query<{ recovering: boolean; lsn: string | null }>('SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS lsn'),
        timeout,
      );
      const { recovering, lsn } = replica.rows[0];
      samples.push({ at, lsn: primaryLsn });
      // Keep enough history to measure a lag a little beyond the limit.
      samples = samples.filter((s) => s.at >= at - opts.maxLagMs * 3);
      let lagMs: number;
      if (!recovering) {
        lagMs = 0; // not a standby (the primary itself, or promoted): nothing to wait for
      } else if (lsn === null) {
        lagMs = Number.POSITIVE_INFINITY;
      } else {
        const replayed = parseLsn(lsn);
        if (replayed >= primaryLsn) lagMs = 0;
        else {
          const reached = samples.filter((s) => s.lsn <= replayed).pop();
          lagMs = reached ? at - reached.at : at - samples[0].at + 1;
          if (!reached && samples.length === 1) lagMs = Number.POSITIVE_INFINITY; // first look, already behind: unknown
        }
      }
      if (lagMs === Number.POSITIVE_INFINITY) {
        setState({ status: 'lagging', lagMs: null }, 'replay position unknown');
      } else {
        setState({ status: lagMs <= opts.maxLagMs ? 'ok' : 'lagging', lagMs });
      }
    } catch (err) {
      setState({ status: 'down', lagMs: null }, (err as Error).message);
    }
    return state;
  }

  const check = () => (running ??= checkOnce().finally(() => (running = null)));
  const everyMs = opts.checkEveryMs ?? Math.min(2000, Math.max(250, Math.floor(opts.maxLagMs / 4)));
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  void check();

  return {
    pool,
    prisma,
    healthy: () => state.status === 'ok',
    state: () => state,
    markDown(reason) {
      setState({ status: 'down', lagMs: null }, reason);
    },
    check,
    async close() {
      clearInterval(timer);
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/** "16/B374D848" -> a comparable number. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

const readers = new WeakMap<ReadReplica, WeakMap<AppContext, AppContext>>();

/**
 * The context for a public read that may be a little stale (thread, counts, feeds): its pool and Prisma
 * client are the replica's while the replica is healthy, the primary's otherwise. Never use it for writes,
 * for moderator views, or for a reader's own pending comments (those must come from the primary).
 */
export function readerFor(ctx: AppContext): AppContext {
  const replica = ctx.readReplica;
  if (!replica || !replica.healthy()) return ctx;
  let byCtx = readers.get(replica);
  if (!byCtx) readers.set(replica, (byCtx = new WeakMap()));
  let reader = byCtx.get(ctx);
  if (!reader) byCtx.set(ctx, (reader = { ...ctx, pool: replica.pool, prisma: replica.prisma }));
  return reader;
}

/**
 * Runs a read on the replica when it is healthy, and again on the primary if the replica fails mid-way
 * (stopped, restarted, a query cancelled by recovery): readers see no error, and the replica is set aside
 * until the next good check. Request errors (AppError) are not retried.
 */
export async function readFromReplica<T>(ctx: AppContext, read: (reader: AppContext) => Promise<T>): Promise<T> {
  const reader = readerFor(ctx);
  if (reader === ctx) return read(ctx);
  try {
    return await read(reader);
  } catch (err) {
    if (err instanceof AppError) throw err;
    ctx.readReplica?.markDown((err as Error).message);
    return read(ctx);
  }
}
