import crypto from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context';
import { prepared } from '../db/preparedStatement';
import { moderatorWithRoles, type AuthenticatedModerator } from '../http/moderatorAuth';

/**
 * Server-side console sessions (table ConsoleSession). The browser holds a random 256-bit token in the
 * HttpOnly cookie `parley_session`; the table holds only its SHA-256, so a copy of the database signs
 * nobody in. A session is valid while it is not revoked, was seen in the last 12 hours (idle limit), is
 * younger than 7 days (absolute limit), and its moderator (and, for a key sign-in, that key) is not
 * revoked: revocation needs no extra bookkeeping and takes effect on the next request.
 */
export const SESSION_COOKIE = 'parley_session';
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
export const SESSION_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** lastSeenAt is written at most this often, so a busy console does not write on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface ConsoleSession {
  id: string;
  moderator: AuthenticatedModerator;
  /** Synchronizer token the console sends back on every state change (X-CSRF-Token or _csrf). */
  csrfToken: string;
}

export function hashSessionToken(token: string): string {
  return crypto.hash('sha256', token);
}

/** The session token from the Cookie header, or null when absent or not of our form. */
export function readSessionCookie(req: Request): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    return TOKEN_FORMAT.test(value) ? value : null;
  }
  return null;
}

function cookieOptions(ctx: AppContext) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: ctx.publicUrl.startsWith('https:'),
  };
}

export function setSessionCookie(ctx: AppContext, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions(ctx), maxAge: SESSION_MAX_AGE_MS, encode: String });
}

export function clearSessionCookie(ctx: AppContext, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
}

/**
 * Starts a session; returns the token for the cookie (shown to nobody else, stored only hashed). The
 * browser's previous session, if its cookie came along, ends: the new cookie replaces it anyway.
 */
export async function createConsoleSession(
  ctx: AppContext,
  opts: { moderatorId: string; apiKeyId: string | null; previousToken?: string | null },
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = ctx.now();
  if (opts.previousToken) {
    await ctx.prisma.consoleSession.updateMany({ where: { tokenHash: hashSessionToken(opts.previousToken), revokedAt: null }, data: { revokedAt: now } });
  }
  // Housekeeping at sign-in (rare), so rows never pile up: this moderator's sessions and links that
  // ended more than a month ago go. Recent ones stay for the record (who was signed in when).
  const monthAgo = new Date(now.getTime() - 30 * 24 * 3600 * 1000);
  await ctx.prisma.consoleSession.deleteMany({ where: { moderatorId: opts.moderatorId, expiresAt: { lt: monthAgo } } });
  await ctx.prisma.loginLink.deleteMany({ where: { moderatorId: opts.moderatorId, expiresAt: { lt: monthAgo } } });
  await ctx.prisma.consoleSession.create({
    data: {
      tokenHash: hashSessionToken(token),
      moderatorId: opts.moderatorId,
      apiKeyId: opts.apiKeyId,
      csrfSecret: crypto.randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_MS),
    },
  });
  return token;
}

/**
 * The live session of this token with its moderator and memberships, in one round trip (every console
 * request makes it). The same statement moves lastSeenAt forward when it is more than a minute old.
 */
export async function findConsoleSession(ctx: AppContext, token: string): Promise<ConsoleSession | null> {
  const now = ctx.now();
  const { rows } = await ctx.pool.query<{ id: string; csrfSecret: string; moderatorId: string; name: string; memberships: string[] }>(prepared(
    ctx,
    `WITH s AS (
       SELECT s."id"::text AS "id", s."csrfSecret", m."id"::text AS "moderatorId", m."name",
              COALESCE((SELECT array_agg(sm."role"::text || ':' || sm."siteId") FROM "SiteModerator" sm WHERE sm."moderatorId" = m."id"), '{}') AS "memberships"
         FROM "ConsoleSession" s
         JOIN "Moderator" m ON m."id" = s."moderatorId"
         LEFT JOIN "ApiKey" k ON k."id" = s."apiKeyId"
        WHERE s."tokenHash" = $1 AND s."revokedAt" IS NULL AND m."revokedAt" IS NULL
          AND (s."apiKeyId" IS NULL OR (k."id" IS NOT NULL AND k."revokedAt" IS NULL))
          AND s."expiresAt" > $2 AND s."lastSeenAt" > $2::timestamp - $3 * interval '1 millisecond'),
     touched AS (
       UPDATE "ConsoleSession" SET "lastSeenAt" = $2
        WHERE "id" = (SELECT "id"::uuid FROM s) AND "lastSeenAt" < $2::timestamp - $4 * interval '1 millisecond'
        RETURNING 1)
     SELECT * FROM s`,
    [hashSessionToken(token), now, SESSION_IDLE_MS, TOUCH_EVERY_MS],
  ));
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, csrfToken: row.csrfSecret, moderator: moderatorWithRoles(row.moderatorId, row.name, row.memberships) };
}

/** Constant-time comparison of the CSRF token a request carries with its session's. */
export function csrfTokenMatches(session: ConsoleSession, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 200) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Sign out: the session row stays (revokedAt set) so the cookie can never come back. */
export async function revokeConsoleSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.prisma.consoleSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: ctx.now() } });
}

/**
 * Ends every session of a moderator (all of them, or only those signed in with some keys). Sessions of
 * revoked moderators and keys are already refused by findConsoleSession; this also marks the rows.
 */
export async function revokeModeratorSessions(
  ctx: { prisma: Pick<AppContext['prisma'], 'consoleSession'>; now: () => Date },
  moderatorId: string,
  opts: { apiKeyIds?: string[] } = {},
): Promise<number> {
  const { count } = await ctx.prisma.consoleSession.updateMany({
    where: { moderatorId, revokedAt: null, ...(opts.apiKeyIds ? { apiKeyId: { in: opts.apiKeyIds } } : {}) },
    data: { revokedAt: ctx.now() },
  });
  return count;
}

/** The signed-in console session of this request (set by loadConsoleSession or requireModerator), if any. */
export function currentConsoleSession(res: Response): ConsoleSession | undefined {
  return res.locals.consoleSession as ConsoleSession | undefined;
}

/**
 * For the console's pages: sets res.locals.consoleSession (and res.locals.moderator) when the cookie names
 * a live session, and leaves both unset otherwise, so the page can show the sign-in page instead.
 * It never answers by itself. It does not check CSRF: pages are GETs; forms post to routes behind
 * requireModerator (or call assertCsrf).
 */
export function loadConsoleSession(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    if (res.locals.consoleSession) return next();
    const token = readSessionCookie(req);
    const session = token ? await findConsoleSession(ctx, token) : null;
    if (session) {
      res.locals.consoleSession = session;
      res.locals.moderator = session.moderator;
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const formParser = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });

/**
 * A cookie-authenticated state change must carry the session's CSRF token, in the X-CSRF-Token header
 * or, for a plain HTML form, in the form field _csrf. Resolves true when the request may go on.
 */
export async function csrfAllows(req: Request, res: Response, session: ConsoleSession): Promise<boolean> {
  if (SAFE_METHODS.has(req.method)) return true;
  const header = req.get('x-csrf-token');
  if (header !== undefined) return csrfTokenMatches(session, header);
  if (!req.is('application/x-www-form-urlencoded')) return false;
  if (req.body === undefined) {
    // Parse the form here (the route's own parser then finds it done) to read _csrf.
    const failed = await new Promise<unknown>((resolve) => formParser(req, res, (err?: unknown) => resolve(err)));
    if (failed) return false;
  }
  return csrfTokenMatches(session, (req.body as Record<string, unknown> | undefined)?._csrf);
}
