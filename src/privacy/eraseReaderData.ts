import type { AppContext, Tx } from '../context';
import { signInAddressKey } from '../console/authLoginLinks';
import { forgetSiteFeeds } from '../feeds/feedRoutes';
import { anonymizeDeliveries } from '../webhooks/enqueueWebhookEvent';
import { floodEmailDigest, normalizeEmail, privacyEmailKey } from './readerAddress';
import { scrubOutbox } from './scrubOutbox';

export const ERASED_NAME = 'Deleted reader';
export const ERASED_TEXT = '[email removed]';
export type EraseMode = 'anonymize' | 'delete';
export type ErasedVia = 'api' | 'cli' | 'reader';

export interface EraseRequest {
  email: string;
  /** Only these sites' comments (an admin's sites, or the one site a reader asked on). */
  siteIds: string[];
  mode: EraseMode;
  via: ErasedVia;
  moderatorId: string | null;
  /** A reader's own erase request: kept (for its confirmation email), every other request of the address goes. */
  keepRequestId?: string;
  /** Runs inside the erasure's transaction (a reader's request is marked done in it). */
  inTransaction?: (tx: Tx) => Promise<void>;
}

/**
 * Erases a reader's address from everything Parley keeps, in one transaction, then from the file outbox.
 * Comments stay (threads keep their shape) but lose the address, name, website, IP and user agent; with
 * "delete" they also lose their text and leave the public thread. Owner tokens stop working, reply
 * subscriptions end, and the address is taken out of texts (comment bodies, audit old/new bodies), mail
 * jobs, rate-limit counters, confirmed addresses, exact-address bans, pending requests and webhook
 * delivery logs. Each erased comment gets an "erase" audit row, which names no address.
 * SECURITY.md lists what stays, and why.
 */
export async function eraseReaderData(ctx: AppContext, req: EraseRequest): Promise<{ comments: number }> {
  const address = normalizeEmail(req.email);
  if (!address || req.siteIds.length === 0) return { comments: 0 };
  const now = ctx.now();
  const count = await ctx.prisma.$transaction(async (tx) => {
    // Lets this transaction (only) rewrite old/new texts in the append-only audit log; see the migration.
    await tx.$queryRawUnsafe(`SELECT set_config('parley.erasure', 'on', true)`);
    const rows = await tx.$queryRawUnsafe<{ id: string; siteId: string; pageId: string; status: string }[]>(
      `SELECT "id"::text AS id, "siteId", "pageId"::text AS "pageId", "status"::text AS status FROM "Comment"
        WHERE "siteId" = ANY($1::text[]) AND lower(btrim("email")) = $2 ORDER BY "id" FOR UPDATE`,
      req.siteIds, address,
    );
    const ids = rows.map((r) => r.id);
    if (ids.length) await eraseComments(tx, rows, req, now);
    await scrubTexts(tx, req.siteIds, address);
    await forgetAddress(ctx, tx, req.siteIds, address, req.keepRequestId);
    await req.inTransaction?.(tx);
    return ids.length;
  }, { timeout: 60_000 });
  for (const site of req.siteIds) forgetSiteFeeds(site);
  await scrubOutbox(ctx.config.dataDir, address);
  return { comments: count };
}

async function eraseComments(
  tx: Tx,
  rows: { id: string; siteId: string; pageId: string; status: string }[],
  req: EraseRequest,
  now: Date,
): Promise<void> {
  const ids = rows.map((r) => r.id);
  const del = req.mode === 'delete';
  // ownerTokenHash gets a value no token hashes to (a SHA-256 is 64 hex digits), so every owner token ends.
  await tx.$executeRawUnsafe(
    `UPDATE "Comment" SET "email" = '', "name" = $2, "website" = NULL, "ip" = NULL, "userAgent" = NULL,
        "notifyReplies" = false, "ownerTokenHash" = 'erased:' || gen_random_uuid()::text, "updatedAt" = $3
        ${del ? `, "status" = 'deleted', "body" = '', "fingerprint" = '', "moderatedAt" = $3, "moderatedById" = $4::uuid` : ''}
      WHERE "id" = ANY($1::uuid[])`,
    ids, ERASED_NAME, now, ...(del ? [req.moderatorId] : []),
  );
  // Every touched page changes in public (names at least): bump its version; "delete" also drops approved ones from its count.
  const pages = new Map<string, number>();
  for (const r of rows) pages.set(r.pageId, (pages.get(r.pageId) ?? 0) + (del && r.status === 'approved' ? 1 : 0));
  for (const [pageId, approvedGone] of pages) {
    await tx.$executeRawUnsafe(
      `UPDATE "Page" SET "version" = "version" + 1, "approvedCount" = GREATEST(0, "approvedCount" - $2) WHERE "id" = $1::uuid`,
      pageId, approvedGone,
    );
  }
  // The erasure itself is on record, without the address.
  for (const r of rows) {
    await tx.auditEvent.create({
      data: {
        siteId: r.siteId, commentId: r.id, moderatorId: req.moderatorId, action: del ? 'erase_delete' : 'erase_anonymize',
        fromStatus: r.status, toStatus: del ? 'deleted' : r.status, via: req.via, createdAt: now,
      },
    });
  }
  // A deleted comment's text goes from its edit history too.
  if (del) {
    await tx.$executeRawUnsafe(
      `UPDATE "AuditEvent" SET "oldBody" = NULL, "newBody" = NULL
        WHERE "commentId" = ANY($1::uuid[]) AND ("oldBody" IS NOT NULL OR "newBody" IS NOT NULL)`,
      ids,
    );
  }
  // Mail still queued about these comments (approval, replies to them) would now go nowhere useful.
  await tx.$executeRawUnsafe(
    `DELETE FROM "Job" WHERE "status" IN ('queued', 'retrying', 'dead')
        AND "kind" IN ('send_approved_notification', 'send_reply_notification')
        AND ("payload"->>'commentId' = ANY($1::text[]) OR "payload"->>'parentId' = ANY($1::text[]))`,
    ids,
  );
  await anonymizeDeliveries(tx, ids, req.mode);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The address typed inside texts: the reader's own, others' replies quoting it, audit old/new bodies. */
async function scrubTexts(tx: Tx, siteIds: string[], address: string): Promise<void> {
  const re = new RegExp(escapeRegExp(address), 'gi');
  const comments = await tx.$queryRawUnsafe<{ id: string; body: string; name: string; website: string | null }[]>(
    `SELECT "id"::text AS id, "body", "name", "website" FROM "Comment"
      WHERE "siteId" = ANY($1::text[])
        AND (strpos(lower("body"), $2) > 0 OR strpos(lower("name"), $2) > 0 OR strpos(lower(coalesce("website", '')), $2) > 0)`,
    siteIds, address,
  );
  for (const c of comments) {
    await tx.$executeRawUnsafe(
      `UPDATE "Comment" SET "body" = $2, "name" = $3, "website" = $4 WHERE "id" = $1::uuid`,
      c.id, c.body.replace(re, ERASED_TEXT), c.name.replace(re, ERASED_TEXT), c.website ? c.website.replace(re, ERASED_TEXT) : null,
    );
  }
  const audits = await tx.$queryRawUnsafe<{ id: bigint; oldBody: string | null; newBody: string | null }[]>(
    `SELECT "id", "oldBody", "newBody" FROM "AuditEvent"
      WHERE "siteId" = ANY($1::text[]) AND (strpos(lower(coalesce("oldBody", '')), $2) > 0 OR strpos(lower(coalesce("newBody", '')), $2) > 0)`,
    siteIds, address,
  );
  for (const a of audits) {
    await tx.$executeRawUnsafe(
      `UPDATE "AuditEvent" SET "oldBody" = $2, "newBody" = $3 WHERE "id" = $1`,
      a.id, a.oldBody?.replace(re, ERASED_TEXT) ?? null, a.newBody?.replace(re, ERASED_TEXT) ?? null,
    );
  }
}

/** Everything else keyed by, or holding, the address. */
async function forgetAddress(ctx: AppContext, tx: Tx, siteIds: string[], address: string, keepRequestId?: string): Promise<void> {
  await tx.$executeRawUnsafe(`DELETE FROM "VerifiedEmail" WHERE "siteId" = ANY($1::text[]) AND lower(btrim("email")) = $2`, siteIds, address);
  // An exact-address ban cannot stay without the address; IP and name bans, and patterns such as *@domain, do.
  await tx.$executeRawUnsafe(`DELETE FROM "Ban" WHERE "siteId" = ANY($1::text[]) AND "kind" = 'email' AND lower(btrim("value")) = $2`, siteIds, address);
  await tx.$executeRawUnsafe(
    `DELETE FROM "PrivacyRequest" WHERE "email" = $1 AND "id" <> $2::uuid`,
    address, keepRequestId ?? '00000000-0000-0000-0000-000000000000',
  );
  // Flood counters embed a SHA-256 of the address, the request and console sign-in limiters keyed digests;
  // some keys may hold it plainly.
  await tx.$executeRawUnsafe(
    `DELETE FROM "RateLimit" WHERE strpos("key", $1) > 0 OR strpos("key", $2) > 0 OR strpos("key", $3) > 0 OR strpos(lower("key"), $4) > 0`,
    floodEmailDigest(address), privacyEmailKey(ctx.secretKey, address), signInAddressKey(ctx.secretKey, address), address,
  );
  // Job payloads hold ids by design, but an error text or an older payload might still carry an address,
  // and console sign-in jobs name one by its digest.
  await tx.$executeRawUnsafe(
    `DELETE FROM "Job" WHERE "status" <> 'running'
        AND (strpos(lower("payload"::text), $1) > 0 OR strpos(lower(coalesce("lastError", '')), $1) > 0 OR strpos("payload"::text, $2) > 0)`,
    address, signInAddressKey(ctx.secretKey, address),
  );
}
