import crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { hashOwnerToken } from '../comments/ownerTokens';
import type { AppContext } from '../context';
import { shortLivedCache } from '../db/shortLivedCache';
import { errors } from '../http/AppError';
import type { RateLimit } from '../http/rateLimit';
import type { SiteSettings } from '../sites/siteSettings';
import type { PageRow } from '../comments/findPage';
import { scoreDocument, scoreFromEvidence, type ScoredDocument } from '../spam/spamModel';
import { tokenize } from '../spam/tokenize';
import { commentFingerprint } from './commentFingerprint';
import { verifyFormToken } from './formToken';
import { lengthErrors } from './rules/lengthLimits';
import { isPageClosed } from './rules/pageClosed';
import { loadSubmissionContext, type ParentRow } from './submissionContext';
import { runRules, type RulesOutcome } from './rules/runRules';
import { NO_HISTORY, type BanEntry, type CommentHistory, type Decision, type FormTiming } from './rules/types';

export interface NewCommentInput {
  siteId: string;
  settings: SiteSettings;
  /** The page's key; the page row itself is read with the checks (null until its first comment). */
  pageKey: string;
  /** The comment replied to, as sent (checked here: same page, approved, not too deep). */
  parentId: string | null;
  name: string;
  email: string;
  website: string | null;
  body: string;
  ip: string | null;
  userAgent: string | null;
  ownerTokens: string[];
  honeypot: string | undefined;
  formToken: string | undefined;
}

export interface ModerationOutcome {
  status: 'pending' | 'approved' | 'spam' | 'rejected';
  reasons: string[];
  spamScore: number | null;
  /** What the author is told: banned and spam authors are told 'pending'. */
  publicStatus: 'pending' | 'approved';
  fingerprint: string;
}

/** The outcome, plus the page (if it exists yet) and the parent read along with the checks, for the insert. */
export interface NewCommentEvaluation extends ModerationOutcome {
  page: PageRow | null;
  parent: ParentRow | null;
}

const STATUS_FOR: Record<Decision, ModerationOutcome['status']> = {
  approve: 'approved',
  hold: 'pending',
  spam: 'spam',
  reject: 'rejected',
};

/**
 * Decides what happens to a new comment, before it is stored (by src/comments/submitComment.ts).
 * Throws the errors the author must see: invalid lengths (400), a closed page (409), flood control (429),
 * a duplicate (409). Everything else becomes a status with reasons for the moderators.
 */
export async function evaluateNewComment(ctx: AppContext, input: NewCommentInput): Promise<NewCommentEvaluation> {
  const { settings } = input;
  const now = ctx.now();
  const fieldErrors = lengthErrors(input, settings.limits);
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);

  const fingerprint = commentFingerprint(input.body);
  const comment = { name: input.name, email: input.email, website: input.website, body: input.body };
  const tokens = tokenize(comment);
  // One round trip: page, parent, flood counters, duplicate, history, spam evidence and returning-author proof.
  const loaded = await loadSubmissionContext(ctx, {
    siteId: input.siteId,
    pageKey: input.pageKey,
    parentId: input.parentId,
    maxDepth: settings.maxDepth,
    closeAfterDays: settings.closeAfterDays,
    now,
    flood: floodCounters(input),
    fingerprint,
    email: input.email.trim(),
    tokens,
    ownerHashes: settings.autoApproveReturning ? input.ownerTokens.map(hashOwnerToken) : null,
    repeatSince: new Date(now.getTime() - REPEAT_WINDOW_MS),
  });
  // The errors in the order the author has always seen them: parent, closed page, flood, duplicate.
  if (input.parentId) assertReplyAllowed(loaded.parent, loaded.page, input.siteId, settings.maxDepth);
  if (loaded.page && isPageClosed(loaded.page, settings, now)) throw errors.closed();
  if (!loaded.counted) throw errors.closed(); // the database saw the page closed a moment earlier than the check above
  const refused = loaded.flood.filter((h) => !h.allowed);
  if (refused.length > 0) throw errors.rateLimited(Math.max(...refused.map((h) => h.retryAfter)));
  if (loaded.duplicate) throw errors.duplicate();

  const { outcome, spamScore } = await assessComment(ctx, {
    siteId: input.siteId,
    settings,
    comment,
    ip: input.ip,
    honeypot: input.honeypot,
    form: verifyFormToken(ctx.secretKey, input.siteId, input.formToken),
    provenReturning: loaded.provenReturning,
    history: loaded.history,
    scored: scoreFromEvidence(tokens, loaded.spam),
  });
  const status = STATUS_FOR[outcome.decision];
  return {
    status,
    reasons: outcome.reasons,
    spamScore,
    publicStatus: status === 'approved' ? 'approved' : 'pending',
    fingerprint,
    page: loaded.page,
    parent: input.parentId ? loaded.parent : null,
  };
}

/** A reply must answer an approved comment on the same page, within the site's nesting depth. */
function assertReplyAllowed(parent: ParentRow | null, page: PageRow | null, siteId: string, maxDepth: number): void {
  if (!parent || parent.siteId !== siteId || !page || parent.pageId !== page.id || parent.status !== 'approved') {
    throw errors.validation({ parentId: 'The comment you are replying to is not on this page.' });
  }
  if (parent.depth + 1 > maxDepth) {
    throw errors.validation({
      parentId: maxDepth === 0 ? 'Replies are turned off on this site.' : `Replies can be nested at most ${maxDepth} levels deep.`,
    });
  }
}

export interface AssessInput {
  siteId: string;
  settings: SiteSettings;
  comment: { name: string; email: string; website: string | null; body: string };
  ip: string | null;
  honeypot: string | undefined;
  form: FormTiming;
  provenReturning: boolean;
  /** Site history of this comment (repeated body, author's confirmed spam); the dry run has none. */
  history?: CommentHistory;
  /** The spam score, when the caller already loaded its evidence (the write path); otherwise read here. */
  scored?: ScoredDocument;
}

/**
 * Reads what the rules need (bans, the spam score) and runs them. Reads only: the rules dry run
 * (POST .../rules/test) uses it too, so it stores nothing and consumes no rate limit.
 */
export async function assessComment(
  ctx: AppContext,
  input: AssessInput,
): Promise<{ outcome: RulesOutcome; spamScore: number | null }> {
  const now = ctx.now();
  const [bans, scored] = await Promise.all([
    activeBans(ctx, input.siteId, now),
    input.scored ?? scoreDocument(ctx.prisma, input.siteId, input.comment),
  ]);
  const outcome = runRules({
    comment: input.comment,
    ip: input.ip,
    honeypot: input.honeypot,
    form: input.form,
    author: { provenReturning: input.provenReturning },
    spamScore: scored.score,
    spamClues: scored.clues,
    spamCharEvidence: scored.charEvidence,
    history: input.history ?? NO_HISTORY,
    bans,
    settings: input.settings,
    now,
  });
  return { outcome, spamScore: scored.score === null ? null : Math.round(scored.score * 1e4) / 1e4 };
}

// Bans are read for every new comment and change rarely: each instance keeps a site's list briefly.
// manageBans forgets it on change, and expiry is checked against the clock on every use.
const BAN_CACHE_MS = 5_000;
const banCache = shortLivedCache<BanEntry[]>(BAN_CACHE_MS);

async function activeBans(ctx: AppContext, siteId: string, now: Date): Promise<BanEntry[]> {
  const bans = await banCache.get(ctx.prisma, siteId, () =>
    ctx.prisma.ban.findMany({ where: { siteId }, select: { kind: true, value: true, expiresAt: true } }),
  );
  return bans.filter((b) => b.expiresAt === null || b.expiresAt > now);
}

export function forgetCachedBans(ctx: AppContext, siteId: string): void {
  banCache.forget(ctx.prisma, siteId);
}

/** How far back a repeated body counts (RuleInput.history.repeatedBodyPages): a spam wave is days, not years. */
const REPEAT_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The flood counters of a new comment, per IP and per email, shared by every instance through the RateLimit table. */
function floodCounters(input: NewCommentInput): Array<{ key: string; limit: RateLimit }> {
  const { perIp, perEmail } = input.settings.rateLimit;
  // The key holds a digest, not the address: the RateLimit table is no place for readers' emails.
  const emailKey = crypto.hash('sha256', input.email.trim().toLowerCase());
  return [
    ...(input.ip ? [{ key: `comment:ip:${input.siteId}:${floodKeyForIp(input.ip)}`, limit: perIp }] : []),
    { key: `comment:email:${input.siteId}:${emailKey}`, limit: perEmail },
  ];
}

/**
 * One IPv6 subscriber usually holds a whole /64, so counting single IPv6 addresses would let one
 * machine rotate through billions of them: the /64 is counted as one client. IPv4 (also IPv4-mapped) as is.
 */
export function floodKeyForIp(ip: string): string {
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === 'ipv4') return address.toString();
    return `${(address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
  } catch {
    return ip;
  }
}
