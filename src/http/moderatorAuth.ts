import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { prepared } from '../db/preparedStatement';
import { AppError, errors } from './AppError';
import { consumeRateLimit } from './rateLimit';
import { csrfAllows, findConsoleSession, readSessionCookie, type ConsoleSession } from '../console/authSession';

export type SiteRole = 'moderator' | 'admin';

export interface AuthenticatedModerator {
  id: string;
  name: string;
  /** Every site this moderator may moderate (whatever the role). */
  siteIds: string[];
  /** The role on each of those sites. */
  roles: Record<string, SiteRole>;
}

/** API keys look like `pk_<43 base64url chars>`; only their SHA-256 is stored. */
export function newApiKey(): { key: string; hash: string } {
  const key = `pk_${crypto.randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return crypto.hash('sha256', key);
}

// Failed attempts per client address before it must wait: enough for typos, far too few for guessing.
const FAILED_AUTH_LIMIT = { max: 20, windowSeconds: 300 };

/**
 * A moderator request carries either `Authorization: Bearer <key>` (API clients; unchanged) or, when it
 * has no Authorization header, the console's `parley_session` cookie. With the cookie, every state
 * change (not GET/HEAD/OPTIONS) must also carry the session's CSRF token (X-CSRF-Token header, or the
 * _csrf form field) or gets 403: the browser sends the cookie by itself, the token only our pages know.
 * Either way it costs one query; a request authenticated earlier in the chain is not checked twice.
 */
export function requireModerator(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    if (res.locals.moderatorAuthenticated) return next();
    const header = req.get('authorization');
    if (header === undefined) {
      const token = readSessionCookie(req);
      if (token !== null) {
        // loadConsoleSession may have found it already (a page route); the CSRF check is made here regardless.
        const session = (res.locals.consoleSession as ConsoleSession | undefined) ?? (await findConsoleSession(ctx, token));
        if (!session) return next(errors.unauthorized('Your console session has ended. Please sign in again.'));
        if (!(await csrfAllows(req, res, session))) {
          return next(errors.forbidden('This request lacks a valid CSRF token. Reload the page and try again.'));
        }
        res.locals.consoleSession = session;
        res.locals.moderator = session.moderator;
        res.locals.moderatorAuthenticated = true;
        return next();
      }
    }
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec((header ?? '').trim());
    try {
      const found = await authenticateApiKey(ctx, match ? match[1] : null, req.ip, header ? 'This API key is not valid.' : 'A valid API key is required.');
      res.locals.moderator = found.moderator;
      res.locals.moderatorAuthenticated = true;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Checks an API key (null: none or malformed) for the Bearer header and for the console's key sign-in.
 * The key is looked up by its digest (an indexed equality on a 256-bit hash, so timing reveals nothing
 * useful); revoked keys and revoked moderators are refused. Failed attempts are counted per IP in
 * Postgres, shared by all instances, against key guessing. Throws unauthorized or rate_limited.
 */
export async function authenticateApiKey(
  ctx: AppContext,
  key: string | null,
  ip: string | undefined,
  refusal = 'This API key is not valid.',
): Promise<{ moderator: AuthenticatedModerator; apiKeyId: string }> {
  const limiterKey = `auth-fail:${ip ?? 'unknown'}`;
  const found = key ? await findModeratorByKey(ctx, key, limiterKey) : null;
  if (!found) {
    const hit = await consumeRateLimit(ctx.pool, limiterKey, FAILED_AUTH_LIMIT, ctx.now());
    if (!hit.allowed) throw new AppError('rate_limited', 'Too many failed sign-in attempts. Please wait.', undefined, hit.retryAfter);
    throw errors.unauthorized(refusal);
  }
  // A locked-out address waits even with a right key: otherwise the lockout would not slow guessing down.
  const lockout = lockedOutFor(ctx, found.failures);
  if (lockout > 0) throw new AppError('rate_limited', 'Too many failed sign-in attempts. Please wait.', undefined, lockout);
  return { moderator: found.moderator, apiKeyId: found.apiKeyId };
}

/** Seconds left in this address's failed-attempt window once it is over the limit; 0 when not locked out. */
function lockedOutFor(ctx: AppContext, failures: { count: number; windowStart: Date } | null): number {
  if (!failures || failures.count <= FAILED_AUTH_LIMIT.max) return 0;
  const left = new Date(failures.windowStart).getTime() + FAILED_AUTH_LIMIT.windowSeconds * 1000 - ctx.now().getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/**
 * The key's moderator with their sites, and this address's failed attempts, in one round trip
 * (every moderator request makes it). Revoked keys and revoked moderators find nothing.
 */
async function findModeratorByKey(
  ctx: AppContext,
  key: string,
  limiterKey: string,
): Promise<{ moderator: AuthenticatedModerator; apiKeyId: string; failures: { count: number; windowStart: Date } | null } | null> {
  const { rows } = await ctx.pool.query<{ id: string; keyId: string; name: string; memberships: string[]; failures: number | null; failuresSince: Date | null }>(prepared(
    ctx,
    `SELECT m."id"::text AS "id", k."id"::text AS "keyId", m."name",
            COALESCE((SELECT array_agg(sm."role"::text || ':' || sm."siteId") FROM "SiteModerator" sm WHERE sm."moderatorId" = m."id"), '{}') AS "memberships",
            r."count" AS "failures", r."windowStart" AS "failuresSince"
       FROM "ApiKey" k
       JOIN "Moderator" m ON m."id" = k."moderatorId"
       LEFT JOIN "RateLimit" r ON r."key" = $2
      WHERE k."keyHash" = $1 AND k."revokedAt" IS NULL AND m."revokedAt" IS NULL`,
    [hashApiKey(key), limiterKey],
  ));
  const row = rows[0];
  if (!row) return null;
  return {
    moderator: moderatorWithRoles(row.id, row.name, row.memberships),
    apiKeyId: row.keyId,
    failures: row.failures === null ? null : { count: row.failures, windowStart: row.failuresSince! },
  };
}

/** Builds the moderator from `role:siteId` pairs (site ids never contain a colon, roles never do either). */
export function moderatorWithRoles(id: string, name: string, memberships: string[]): AuthenticatedModerator {
  const roles: Record<string, SiteRole> = {};
  for (const m of memberships) {
    const at = m.indexOf(':');
    roles[m.slice(at + 1)] = m.slice(0, at) === 'admin' ? 'admin' : 'moderator';
  }
  return { id, name, siteIds: Object.keys(roles).sort(), roles };
}

/** 403 unless the moderator is an admin of the site (a site they do not moderate at all is refused the same way). */
export function assertSiteAdmin(moderator: AuthenticatedModerator, siteId: string): void {
  if (!moderator.siteIds.includes(siteId)) throw errors.forbidden('You do not moderate this site.');
  if (moderator.roles[siteId] !== 'admin') throw errors.forbidden('Only an admin of this site may do this.');
}

export function currentModerator(res: { locals: Record<string, unknown> }): AuthenticatedModerator {
  return res.locals.moderator as AuthenticatedModerator;
}
