import type { Pool } from 'pg';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the current window ends (for Retry-After). */
  retryAfter: number;
  count: number;
}

/**
 * Fixed-window counter kept in Postgres, so every instance shares it. One atomic upsert per hit:
 * a new window starts when the stored one has expired.
 */
export async function consumeRateLimit(
  pool: Pool,
  key: string,
  limit: { max: number; windowSeconds: number },
  now: Date,
): Promise<RateLimitResult> {
  const { rows } = await pool.query<{ count: number; windowStart: Date }>(
    `INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES ($1, $2, 1)
     ON CONFLICT ("key") DO UPDATE SET
       "count" = CASE WHEN "RateLimit"."windowStart" <= $2::timestamp - make_interval(secs => $3) THEN 1 ELSE "RateLimit"."count" + 1 END,
       "windowStart" = CASE WHEN "RateLimit"."windowStart" <= $2::timestamp - make_interval(secs => $3) THEN $2 ELSE "RateLimit"."windowStart" END
     RETURNING "count", "windowStart"`,
    [key, now, limit.windowSeconds],
  );
  const { count, windowStart } = rows[0];
  const windowEnds = new Date(windowStart).getTime() + limit.windowSeconds * 1000;
  return {
    allowed: count <= limit.max,
    retryAfter: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
    count,
  };
}
