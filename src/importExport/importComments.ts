import type { PoolClient } from 'pg';
import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import { newOwnerToken } from '../comments/ownerTokens';
import { commentFingerprint } from '../moderation/commentFingerprint';
import { forgetCachedSite } from '../sites/siteRepository';
import type { ImportedComment, ImportedPage, ImportedSite, ImportFormat, ImportRecord } from './importRecords';

export interface ImportSummary {
  imported: number;
  /** Already present (an earlier run), pingbacks and trackbacks, duplicates in the file, comments without a page. */
  skipped: number;
  /** Problems that did not stop the import (a parent missing from the file, …); at most MAX_ERRORS, then a count. */
  errors: string[];
  pagesCreated: number;
  siteCreated: boolean;
}

export interface ImportProgress {
  /** Comments read from the file so far (staged, not yet committed). */
  comments: number;
  phase: 'reading' | 'committing' | 'done';
}

export interface ImportOptions {
  siteId: string;
  format: ImportFormat;
  onProgress?: (p: ImportProgress) => void;
  /** Do everything, report what would be imported, then roll back: nothing is stored. */
  dryRun?: boolean;
}

const BATCH = 1000;
const MAX_ERRORS = 50;

/**
 * Imports a stream of records into a site in two phases inside ONE transaction, so a file that turns out
 * to be malformed half-way (or any failure) leaves nothing behind:
 *  1. stage: every page and comment goes into temporary tables as it is read, in batches (memory stays flat);
 *  2. resolve and commit: skip what an earlier run imported (Comment.importKey, unique per site), create the
 *     pages, give comments ids, connect replies to parents wherever they were in the file (or imported
 *     earlier), compute depth and thread root, insert everything with one statement, recount the pages.
 * Imported comments queue no notifications and do not train the spam model: their statuses were decided
 * elsewhere, and a site's whole history at once would swamp what its own moderators teach it.
 * Imports of one site are serialised by an advisory lock.
 */
export async function importComments(ctx: AppContext, records: AsyncIterable<ImportRecord>, opts: ImportOptions): Promise<ImportSummary> {
  const client = await ctx.pool.connect();
  let committed = false;
  try {
    await client.query('BEGIN');
    // A 100,000-comment import runs longer than the pool's per-statement guard, by design.
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`parley-import:${opts.siteId}`]);
    await client.query(CREATE_STAGE_SQL);

    const state = { comments: [] as ImportedComment[], pages: [] as ImportedPage[], site: null as ImportedSite | null, read: 0, skipped: 0, duplicates: 0 };
    const flush = async () => {
      if (state.pages.length) await stagePages(client, state.pages.splice(0));
      if (state.comments.length) state.duplicates += await stageComments(client, state.comments.splice(0));
      opts.onProgress?.({ comments: state.read, phase: 'reading' });
    };
    for await (const record of records) {
      if (record.kind === 'comment') {
        state.comments.push(record);
        state.read++;
      } else if (record.kind === 'page') state.pages.push(record);
      else if (record.kind === 'skipped') state.skipped++;
      else if (record.kind === 'site') state.site = record;
      if (state.comments.length >= BATCH || state.pages.length >= BATCH) await flush();
    }
    await flush();
    opts.onProgress?.({ comments: state.read, phase: 'committing' });

    const summary = await resolveAndInsert(client, opts, state.site, ctx.log);
    summary.skipped += state.skipped + state.duplicates;
    if (state.duplicates) summary.errors.unshift(`${state.duplicates} comment(s) appear twice in the file; each was imported once.`);
    if (opts.dryRun) {
      opts.onProgress?.({ comments: state.read, phase: 'done' });
      return summary; // the finally block rolls back
    }
    await client.query('COMMIT');
    committed = true;
    if (summary.siteCreated) forgetCachedSite(ctx, opts.siteId);
    opts.onProgress?.({ comments: state.read, phase: 'done' });
    return summary;
  } finally {
    // A connection whose rollback fails is broken: the pool must drop it rather than lend it again.
    const broken = committed ? undefined : await client.query('ROLLBACK').then(() => undefined, (err: Error) => err);
    client.release(broken);
  }
}

const CREATE_STAGE_SQL = `
CREATE TEMP TABLE import_page (
  ref text PRIMARY KEY, key text NOT NULL, url text, title text, closed boolean NOT NULL,
  created_at timestamp(3), page_id uuid
) ON COMMIT DROP;
CREATE TEMP TABLE import_comment (
  seq serial, ref text PRIMARY KEY, import_key text NOT NULL UNIQUE, page_ref text NOT NULL,
  parent_ref text, parent_key text, pref_id uuid,
  name text NOT NULL, email text NOT NULL, website text, ip text, user_agent text, body text NOT NULL,
  status "CommentStatus" NOT NULL, reasons text[] NOT NULL, spam_score float8, trained_as text,
  notify_replies boolean NOT NULL, owner_token_hash text NOT NULL, fingerprint text NOT NULL,
  created_at timestamp(3) NOT NULL, updated_at timestamp(3) NOT NULL, moderated_at timestamp(3),
  id uuid, existing boolean NOT NULL DEFAULT false, page_id uuid, parent_id uuid, root_id uuid, depth int
) ON COMMIT DROP`;

/** Postgres text cannot hold NUL; a JSON file can ("\u0000"). Dropped rather than failing the import. */
function noNul<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.includes('\u0000') ? value.replace(/\u0000/g, '') : value) as T;
}

async function stagePages(client: PoolClient, pages: ImportedPage[]): Promise<void> {
  await client.query(
    `INSERT INTO import_page (ref, key, url, title, closed, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamp(3)[])
     ON CONFLICT DO NOTHING`,
    [
      pages.map((p) => noNul(p.ref)), pages.map((p) => noNul(p.key)), pages.map((p) => noNul(p.url)), pages.map((p) => noNul(p.title)),
      pages.map((p) => p.closed), pages.map((p) => (p.createdAt ? p.createdAt.toISOString() : null)),
    ],
  );
}

/** Returns how many were already staged (the same comment twice in one file). */
async function stageComments(client: PoolClient, comments: ImportedComment[]): Promise<number> {
  const col = <T>(f: (c: ImportedComment) => T) => comments.map((c) => {
    const v = f(c);
    return typeof v === 'string' ? noNul(v) : v;
  });
  const { rowCount } = await client.query(
    `INSERT INTO import_comment (ref, import_key, page_ref, parent_ref, parent_key, pref_id, name, email, website, ip, user_agent,
       body, status, reasons, spam_score, trained_as, notify_replies, owner_token_hash, fingerprint, created_at, updated_at, moderated_at)
     SELECT u.ref, u.key, u.page_ref, u.parent_ref, u.parent_key, u.pref_id, u.name, u.email, u.website, u.ip, u.ua,
       u.body, u.status::"CommentStatus", ARRAY(SELECT jsonb_array_elements_text(u.reasons)), u.spam_score, u.trained_as,
       u.notify, u.owner, u.fingerprint, u.created_at, COALESCE(u.updated_at, u.created_at), u.moderated_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::float8[], $16::text[], $17::boolean[], $18::text[],
       $19::text[], $20::timestamp(3)[], $21::timestamp(3)[], $22::timestamp(3)[])
       AS u(ref, key, page_ref, parent_ref, parent_key, pref_id, name, email, website, ip, ua, body, status, reasons,
            spam_score, trained_as, notify, owner, fingerprint, created_at, updated_at, moderated_at)
     ON CONFLICT DO NOTHING`,
    [
      col((c) => c.ref), col((c) => c.key), col((c) => c.pageRef), col((c) => c.parentRef), col((c) => c.parentKey),
      col((c) => c.preferredId ?? null), col((c) => c.name), col((c) => c.email), col((c) => c.website), col((c) => c.ip),
      col((c) => c.userAgent), col((c) => c.body), col((c) => c.status), col((c) => JSON.stringify(c.reasons ?? [])),
      col((c) => c.spamScore ?? null), col((c) => c.trainedAs ?? null), col((c) => c.notifyReplies ?? false),
      // Nobody holds the token of an imported comment: a random hash, so no browser can claim it.
      col((c) => c.ownerTokenHash ?? newOwnerToken().hash),
      col((c) => c.fingerprint ?? commentFingerprint(c.body)),
      col((c) => c.createdAt.toISOString()), col((c) => c.updatedAt?.toISOString() ?? null),
      col((c) => c.moderatedAt?.toISOString() ?? null),
    ],
  );
  return comments.length - (rowCount ?? 0);
}

async function resolveAndInsert(client: PoolClient, opts: ImportOptions, site: ImportedSite | null, log: AppContext['log']): Promise<ImportSummary> {
  const siteId = opts.siteId;
  const problems: string[] = [];
  let problemCount = 0;
  const note = (rows: Array<{ msg: string }>, total: number) => {
    problemCount += total;
    for (const r of rows) if (problems.length < MAX_ERRORS) problems.push(r.msg);
  };
  // Each step's time at debug level (LOG_LEVEL=debug): where a big import spends it.
  const q = async <R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    const started = Date.now();
    const result = await client.query<R>(sql, params);
    log.debug({ ms: Date.now() - started, rows: result.rowCount, step: sql.trim().replace(/\s+/g, ' ').slice(0, 60) }, 'import step');
    return result;
  };

  let siteCreated = false;
  const exists = await q('SELECT 1 FROM "Site" WHERE id = $1', [siteId]);
  if (!exists.rowCount) {
    if (!site) throw errors.notFound('Site');
    await q(
      `INSERT INTO "Site" (id, name, "allowedOrigins", settings, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $5)`,
      [siteId, site.name, site.allowedOrigins, JSON.stringify(site.settings), site.createdAt],
    );
    siteCreated = true;
  }

  await q('CREATE INDEX ON import_comment (page_ref)');
  await q('ANALYZE import_comment');
  await q('ANALYZE import_page');

  // 1. What an earlier run imported (same key), or, for files Parley wrote, the same comment already on this site.
  await q(`UPDATE import_comment c SET id = m.id, existing = true FROM "Comment" m WHERE m."siteId" = $1 AND m."importKey" = c.import_key`, [siteId]);
  await q(`UPDATE import_comment c SET id = m.id, existing = true FROM "Comment" m
           WHERE NOT c.existing AND c.pref_id IS NOT NULL AND m.id = c.pref_id AND m."siteId" = $1`, [siteId]);

  // 2. A comment whose page (WordPress item, Disqus thread) is not in the file cannot be placed.
  const orphans = await q<{ n: string; msgs: string[] | null }>(
    `WITH gone AS (DELETE FROM import_comment c WHERE NOT EXISTS (SELECT 1 FROM import_page p WHERE p.ref = c.page_ref) RETURNING ref, page_ref)
     SELECT count(*) AS n, (array_agg('Comment ' || ref || ': its page (' || page_ref || ') is not in the file; not imported.'))[1:${MAX_ERRORS}] AS msgs FROM gone`,
  );
  const noPage = Number(orphans.rows[0].n);
  note((orphans.rows[0].msgs ?? []).map((msg) => ({ msg })), noPage);

  // 3. Pages that receive new comments: created, or found by key (their url and title filled if missing).
  const pages = await q<{ inserted: boolean }>(
    `INSERT INTO "Page" ("siteId", key, url, title, closed, "createdAt")
     SELECT DISTINCT ON (p.key) $1, p.key, p.url, p.title, p.closed,
            COALESCE(p.created_at, (SELECT min(c.created_at) FROM import_comment c WHERE c.page_ref = p.ref))
       FROM import_page p
      WHERE EXISTS (SELECT 1 FROM import_comment c WHERE c.page_ref = p.ref AND NOT c.existing)
      ORDER BY p.key, p.ref
     ON CONFLICT ("siteId", key) DO UPDATE SET url = COALESCE("Page".url, EXCLUDED.url), title = COALESCE("Page".title, EXCLUDED.title)
     RETURNING (xmax = 0) AS inserted`,
    [siteId],
  );
  const pagesCreated = pages.rows.filter((r) => r.inserted).length;
  await q(`UPDATE import_page p SET page_id = g.id FROM "Page" g WHERE g."siteId" = $1 AND g.key = p.key`, [siteId]);
  await q(`UPDATE import_comment c SET page_id = p.page_id FROM import_page p WHERE p.ref = c.page_ref`);

  // 4. Ids: a Parley comment keeps its own when no other comment has it.
  await q(`UPDATE import_comment c SET id = CASE
             WHEN c.pref_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Comment" m WHERE m.id = c.pref_id) THEN c.pref_id
             ELSE gen_random_uuid() END
           WHERE c.id IS NULL`);
  await q('CREATE INDEX ON import_comment (id)');
  await q('CREATE INDEX ON import_comment (parent_id)');

  // 5. Parents: in the file (before or after the reply), else imported by an earlier run, else (Parley) by id.
  await q(`UPDATE import_comment c SET parent_id = p.id FROM import_comment p WHERE c.parent_ref IS NOT NULL AND p.ref = c.parent_ref`);
  await q(`UPDATE import_comment c SET parent_id = m.id FROM "Comment" m
           WHERE c.parent_id IS NULL AND c.parent_key IS NOT NULL AND m."siteId" = $1 AND m."importKey" = c.parent_key`, [siteId]);
  if (opts.format === 'parley') {
    await q(`UPDATE import_comment c SET parent_id = m.id FROM "Comment" m
             WHERE c.parent_id IS NULL AND c.parent_ref IS NOT NULL AND m."siteId" = $1
               AND m."importKey" = 'parley:' || c.parent_ref`, [siteId]);
    await q(`UPDATE import_comment c SET parent_id = m.id FROM "Comment" m
             WHERE c.parent_id IS NULL AND c.parent_ref ~ '^[0-9a-f-]{36}$' AND m."siteId" = $1 AND m.id = c.parent_ref::uuid`, [siteId]);
  }
  // A parent that cannot be found, or that sits on another page, leaves its reply top-level (and says so).
  const detach = async (sql: string, why: string) => {
    const r = await q<{ n: string; refs: string[] | null }>(
      `WITH fixed AS (${sql} RETURNING c.ref) SELECT count(*) AS n, (array_agg(ref))[1:${MAX_ERRORS}] AS refs FROM fixed`,
      [],
    );
    note((r.rows[0].refs ?? []).map((ref) => ({ msg: `Comment ${ref}: its parent is ${why}; imported as a top-level comment.` })), Number(r.rows[0].n));
  };
  await q('ANALYZE import_comment');
  await detach(`UPDATE import_comment c SET parent_ref = NULL WHERE NOT c.existing AND c.parent_ref IS NOT NULL AND c.parent_id IS NULL`,
    'neither in the file nor on this site');
  await detach(`UPDATE import_comment c SET parent_ref = NULL, parent_id = NULL FROM import_comment p
                 WHERE p.id = c.parent_id AND NOT c.existing AND NOT p.existing AND p.page_id IS DISTINCT FROM c.page_id`, 'on another page');
  await detach(`UPDATE import_comment c SET parent_ref = NULL, parent_id = NULL FROM "Comment" m
                 WHERE m.id = c.parent_id AND NOT c.existing AND m."pageId" <> c.page_id`, 'on another page');

  // 6. Depth and thread root, from the top-level comments (or the already-stored parents) down.
  await q(`WITH RECURSIVE tree(id, root_id, depth) AS (
             SELECT c.id, NULL::uuid, 0 FROM import_comment c WHERE NOT c.existing AND c.parent_id IS NULL
             UNION ALL
             SELECT c.id, COALESCE(m."rootId", m.id), m.depth + 1
               FROM import_comment c JOIN "Comment" m ON m.id = c.parent_id WHERE NOT c.existing
             UNION ALL
             SELECT c.id, COALESCE(t.root_id, t.id), t.depth + 1
               FROM tree t JOIN import_comment c ON c.parent_id = t.id WHERE NOT c.existing
           )
           UPDATE import_comment c SET root_id = t.root_id, depth = t.depth FROM tree t WHERE c.id = t.id`);
  // Replies that only answer each other in a loop (a corrupt file) reach no top-level comment: make them top-level.
  const loops = await q<{ ref: string }>(
    `UPDATE import_comment SET parent_id = NULL, root_id = NULL, depth = 0 WHERE NOT existing AND depth IS NULL RETURNING ref`,
  );
  note(loops.rows.slice(0, MAX_ERRORS).map((r) => ({ msg: `Comment ${r.ref}: its replies form a loop; imported as a top-level comment.` })), loops.rowCount ?? 0);

  // 7. One statement for all comments (foreign keys are checked at its end, so order does not matter).
  const inserted = await q(
    `INSERT INTO "Comment" (id, "siteId", "pageId", "parentId", "rootId", depth, name, email, website, body, status, reasons,
       "spamScore", "trainedAs", ip, "userAgent", "ownerTokenHash", fingerprint, "notifyReplies", "createdAt", "updatedAt",
       "moderatedAt", "importKey")
     SELECT c.id, $1, c.page_id, c.parent_id, c.root_id, c.depth, c.name, c.email, c.website, c.body, c.status, c.reasons,
       c.spam_score, c.trained_as, c.ip, c.user_agent, c.owner_token_hash, c.fingerprint, c.notify_replies, c.created_at,
       c.updated_at, c.moderated_at, c.import_key
     FROM import_comment c WHERE NOT c.existing ORDER BY c.depth, c.seq`,
    [siteId],
  );
  const imported = inserted.rowCount ?? 0;

  // 8. Derived data: approved counts and thread versions (the version bump also expires cached threads).
  if (imported) {
    await q(`UPDATE "Page" p SET "approvedCount" = (SELECT count(*) FROM "Comment" c WHERE c."pageId" = p.id AND c.status = 'approved'),
               version = p.version + 1
             WHERE p.id IN (SELECT DISTINCT page_id FROM import_comment WHERE NOT existing)`);
  }
  const existing = await q<{ n: string }>('SELECT count(*) AS n FROM import_comment WHERE existing');
  if (problemCount > problems.length) problems.push(`… and ${problemCount - problems.length} more.`);
  return { imported, skipped: Number(existing.rows[0].n) + noPage, errors: problems, pagesCreated, siteCreated };
}
