import type { Pool } from 'pg';

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the current window ends (for Retry-After). */
  retryAfter: number;
  count: number;
}

/**
 * Fixed-window counters kept in Postgres, so every instance shares them. Each hit is one atomic upsert
 * (a new window starts when the stored one has expired); several counters go in one statement, so a
 * request that checks two limits pays one round trip.
 */
export async function consumeRateLimits(
  pool: Pool,
  hits: Array<{ key: string; limit: RateLimit }>,
  now: Date,
): Promise<RateLimitResult[]> {
  if (hits.length === 0) return [];
  const params: unknown[] = [now];
  const ctes = hits.map((hit, i) => {
    params.push(hit.key, hit.limit.windowSeconds);
    const key = `$${params.length - 1}`;
    const secs = `$${params.length}::int`;
    const expired = `"RateLimit"."windowStart" <= $1::timestamp - make_interval(secs => ${secs})`;
    return `h${i} AS (
      INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, $1, 1)
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN ${expired} THEN 1 ELSE "RateLimit"."count" + 1 END,
        "windowStart" = CASE WHEN ${expired} THEN $1 ELSE "RateLimit"."windowStart" END
      RETURNING ${i} AS i, "count", "windowStart")`;
  });
  const { rows } = await pool.query<{ i: number; count: number; windowStart: Date }>(
    `WITH ${ctes.join(',\n')}\n${hits.map((_, i) => `SELECT * FROM h${i}`).join(' UNION ALL ')}`,
    params,
  );
  return hits.map((hit, i) => {
    const row = rows.find((r) => Number(r.i) === i)!;
    const windowEnds = new Date(row.windowStart).getTime() + hit.limit.windowSeconds * 1000;
    return {
      allowed: row.count <= hit.limit.max,
      retryAfter: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
      count: row.count,
    };
  });
}

export async function consumeRateLimit(pool: Pool, key: string, limit: RateLimit, now: Date): Promise<RateLimitResult> {
  const [result] = await consumeRateLimits(pool, [{ key, limit }], now);
  return result;
}
