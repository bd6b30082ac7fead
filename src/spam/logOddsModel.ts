import type { ModelStats, TokenCounts } from './naiveBayes';

/**
 * The spam score: naive Bayes log-odds over the tokens the site's moderators have decided, made to
 * behave on new words and calibrated. Pure: counts come in.
 *
 * - Each token's evidence is the log-odds of how much more often it appears in spam than in good comments,
 *   smoothed (a token seen in a single comment is weak evidence) and clipped to ±maxTokenWeight, so no
 *   single token, let alone a handful of common words, decides.
 * - The class sizes do not count as evidence (a site whose moderators mark lots of spam does not make
 *   every new comment look spammy): the prior is even.
 * - Naive Bayes adds up correlated evidence (a word, its pairs, its character pieces) as if independent,
 *   so raw sums are far too sure. The sum is divided by the square root of the number of clues and then
 *   mapped through a logistic curve whose slope and offset (Platt scaling) were fitted on held-out
 *   decisions of both evaluation corpora (`npm run eval:spam` prints the calibration it gives).
 */
export interface LogOddsParams {
  /** Added to each count (per class): how strongly an unfamiliar token is pulled to "no evidence". */
  smoothing: number;
  maxTokenWeight: number;
  /** Tokens whose evidence is smaller than this are ignored (noise). */
  minWeight: number;
  /** Neutral clues added to the count before normalising: one or two tokens cannot make a sure score. */
  pseudoClues: number;
  /** Platt scaling of the normalised evidence: score = 1 / (1 + exp(-(slope * e + offset))). */
  slope: number;
  offset: number;
}

export const LOG_ODDS_PARAMS: LogOddsParams = {
  smoothing: 1,
  maxTokenWeight: 3,
  minWeight: 0.3,
  pseudoClues: 4,
  slope: 1.8,
  offset: -1.0,
};

/** Below this many trained comments of each kind the model gives no score. */
export const MIN_DOCS_PER_CLASS = 10;

export interface LogOddsScore {
  /** Calibrated P(spam) in [0, 1], or null while the model knows too little. */
  score: number | null;
  /** Distinct known tokens that carried evidence. */
  clues: number;
  /** Their summed weights over the square root of their number, before calibration. */
  evidence: number;
}

/**
 * One token's evidence: the log-odds of Robinson's smoothed P(spam | token). The token's rate in each
 * class is taken relative to the class size (so the larger class does not look "rarer"), and a token
 * seen in few comments is pulled towards even odds (`smoothing` is how many comments' worth of pull).
 */
export function tokenWeight(c: TokenCounts, stats: ModelStats, p: LogOddsParams = LOG_ODDS_PARAMS): number {
  const spamRate = stats.spamDocs > 0 ? Math.min(1, c.spam / stats.spamDocs) : 0;
  const hamRate = stats.hamDocs > 0 ? Math.min(1, c.ham / stats.hamDocs) : 0;
  if (spamRate + hamRate === 0) return 0;
  const n = c.spam + c.ham;
  const f = (p.smoothing * 0.5 + n * (spamRate / (spamRate + hamRate))) / (p.smoothing + n);
  const w = Math.log(f / (1 - f));
  return Math.max(-p.maxTokenWeight, Math.min(p.maxTokenWeight, w));
}

export function scoreLogOdds(
  tokens: readonly string[],
  counts: ReadonlyMap<string, TokenCounts>,
  stats: ModelStats,
  p: LogOddsParams = LOG_ODDS_PARAMS,
  minDocs = MIN_DOCS_PER_CLASS,
): LogOddsScore {
  if (stats.spamDocs < minDocs || stats.hamDocs < minDocs) return { score: null, clues: 0, evidence: 0 };
  let sum = 0;
  let clues = 0;
  for (const token of new Set(tokens)) {
    const c = counts.get(token);
    if (!c || c.spam + c.ham === 0) continue;
    const w = tokenWeight(c, stats, p);
    if (Math.abs(w) < p.minWeight) continue;
    sum += w;
    clues++;
  }
  const evidence = sum / Math.sqrt(clues + p.pseudoClues);
  return { score: 1 / (1 + Math.exp(-(p.slope * evidence + p.offset))), clues, evidence };
}

export interface TwoOpinionScore extends LogOddsScore {
  /** The character-trigram model's evidence (uncalibrated), or null while the model knows too little. */
  charEvidence: number | null;
}

/**
 * Both opinions from one set of counts: the spam score over the word features, and the evidence of
 * the character trigrams (tokens the `isCharGram` predicate picks out) on their own.
 */
export function scoreTwoOpinions(
  tokens: readonly string[],
  counts: ReadonlyMap<string, TokenCounts>,
  stats: ModelStats,
  isSecond: (token: string) => boolean,
  p: LogOddsParams = LOG_ODDS_PARAMS,
): TwoOpinionScore {
  const first: string[] = [];
  const second: string[] = [];
  for (const t of tokens) (isSecond(t) ? second : first).push(t);
  const words = scoreLogOdds(first, counts, stats, p);
  if (words.score === null || second.length === 0) return { ...words, charEvidence: null };
  return { ...words, charEvidence: scoreLogOdds(second, counts, stats, p).evidence };
}
