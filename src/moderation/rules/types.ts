import type { SiteSettings } from '../../sites/siteSettings';

/** What the rules decide. The caller maps it to a comment status (hold -> pending). */
export type Decision = 'approve' | 'hold' | 'spam' | 'reject';

/** A rule's partial result: reasons only (a note for moderators), or a decision with its reasons. */
export interface RuleResult {
  decision?: Decision;
  reasons: string[];
}

export interface BanEntry {
  kind: 'email' | 'ip' | 'name';
  /** email (or glob like `*@spam.example`), IP or CIDR range, or a name pattern with `*`. */
  value: string;
  expiresAt: Date | null;
}

/** The signed form timestamp as checked by the caller (see src/moderation/formToken.ts). */
export type FormTiming =
  | { kind: 'absent' }
  | { kind: 'invalid' }
  | { kind: 'valid'; renderedAt: Date };

/** Evidence from the site's stored comments, read with the submission (src/moderation/submissionContext.ts). */
export interface CommentHistory {
  /** Other pages of the site that received a comment with the same text (fingerprint) in the last 30 days. */
  repeatedBodyPages: number;
  /** Comments from the same email on this site that a moderator confirmed as spam (trained as spam). */
  authorSpamCount: number;
}

export const NO_HISTORY: CommentHistory = { repeatedBodyPages: 0, authorSpamCount: 0 };

/** Everything the rules look at. Built by the caller; the rules never do I/O. */
export interface RuleInput {
  comment: { name: string; email: string; website: string | null; body: string };
  ip: string | null;
  honeypot: string | undefined;
  form: FormTiming;
  /** The caller proved the author: owner token of an earlier approved comment, or a verified email. */
  author: { provenReturning: boolean };
  /** Classifier score in [0, 1], or null while the site's model has too little training. */
  spamScore: number | null;
  /** How many distinct tokens the model knew and weighed for that score (0 without a score). */
  spamClues: number;
  /** The second opinion: character-trigram evidence for the same comment (null or absent without one). It only holds. */
  spamCharEvidence?: number | null;
  /** What this site's past comments say about this one (loaded by the caller; zeros when unknown). */
  history: CommentHistory;
  bans: readonly BanEntry[];
  settings: SiteSettings;
  now: Date;
}

export type Rule = (input: RuleInput) => RuleResult | null;
