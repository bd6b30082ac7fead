import type { Tx } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import { isCharGram } from './charGrams';
import { scoreTwoOpinions } from './logOddsModel';
import type { ModelStats, TokenCounts } from './naiveBayes';
import { tokenize, type SpamDocument } from './tokenize';

/** The site's token counts in Postgres (SpamToken, SpamStats), scored by logOddsModel. Works with the client or a transaction. */
type Db = PrismaClient | Tx;
export type SpamLabel = 'spam' | 'ham';

/**
 * A comment's spam score (null while the site has too little training), how many known tokens it rests
 * on, and the second opinion of its character trigrams (evidence; null without training).
 */
export interface ScoredDocument {
  score: number | null;
  clues: number;
  charEvidence: number | null;
}

/** Spam score of a new comment, or null while the site has too little training. */
export async function scoreDocument(db: Db, siteId: string, doc: SpamDocument): Promise<ScoredDocument> {
  const tokens = tokenize(doc);
  // Totals and this comment's token counts in one round trip: this runs for every new comment.
  const rows = await db.$queryRaw<{ spamDocs: number | null; hamDocs: number | null; token: string | null; spamCount: number | null; hamCount: number | null }[]>`
    SELECT s."spamDocs", s."hamDocs", t."token", t."spamCount", t."hamCount"
    FROM (SELECT 1) AS one
    LEFT JOIN "SpamStats" s ON s."siteId" = ${siteId}
    LEFT JOIN "SpamToken" t ON t."siteId" = ${siteId} AND t."token" = ANY(${tokens}::text[])`;
  const stats: ModelStats = { spamDocs: rows[0]?.spamDocs ?? 0, hamDocs: rows[0]?.hamDocs ?? 0 };
  const counts = new Map<string, TokenCounts>();
  for (const r of rows) if (r.token !== null) counts.set(r.token, { spam: r.spamCount ?? 0, ham: r.hamCount ?? 0 });
  return scoreFromEvidence(tokens, { stats, counts });
}

/** What a score needs from the database: the site's totals and the counts of the comment's tokens. */
export interface SpamEvidence {
  stats: ModelStats;
  counts: Map<string, TokenCounts>;
}

/**
 * The score from evidence already loaded. The write path loads the evidence inside its single
 * submission statement (src/moderation/submissionContext.ts) and scores here, so both paths score alike.
 */
export function scoreFromEvidence(tokens: string[], evidence: SpamEvidence): ScoredDocument {
  const { score, clues, charEvidence } = scoreTwoOpinions(tokens, evidence.counts, evidence.stats, isCharGram);
  return { score, clues, charEvidence };
}

/**
 * Adds (delta 1) or removes (delta -1) one comment's tokens under a label. Counts never go below zero,
 * and rows left at zero are dropped, so the table does not fill with tokens nobody trains any more.
 */
export async function trainDocument(db: Db, siteId: string, tokens: string[], label: SpamLabel, delta: 1 | -1): Promise<void> {
  const spam = label === 'spam' ? delta : 0;
  const ham = label === 'ham' ? delta : 0;
  await db.$executeRaw`
    INSERT INTO "SpamStats" ("siteId", "spamDocs", "hamDocs")
    VALUES (${siteId}, ${Math.max(0, spam)}, ${Math.max(0, ham)})
    ON CONFLICT ("siteId") DO UPDATE SET
      "spamDocs" = GREATEST(0, "SpamStats"."spamDocs" + ${spam}),
      "hamDocs" = GREATEST(0, "SpamStats"."hamDocs" + ${ham})`;
  if (tokens.length === 0) return;
  if (delta > 0) {
    await db.$executeRaw`
      INSERT INTO "SpamToken" ("siteId", "token", "spamCount", "hamCount")
      SELECT ${siteId}, t, ${spam}, ${ham} FROM unnest(${tokens}::text[]) AS t
      ON CONFLICT ("siteId", "token") DO UPDATE SET
        "spamCount" = "SpamToken"."spamCount" + EXCLUDED."spamCount",
        "hamCount" = "SpamToken"."hamCount" + EXCLUDED."hamCount"`;
  } else {
    await db.$executeRaw`
      UPDATE "SpamToken" SET
        "spamCount" = GREATEST(0, "spamCount" + ${spam}),
        "hamCount" = GREATEST(0, "hamCount" + ${ham})
      WHERE "siteId" = ${siteId} AND "token" = ANY(${tokens}::text[])`;
    await db.$executeRaw`
      DELETE FROM "SpamToken"
      WHERE "siteId" = ${siteId} AND "token" = ANY(${tokens}::text[]) AND "spamCount" = 0 AND "hamCount" = 0`;
  }
}
