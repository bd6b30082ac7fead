/**
 * Naive Bayes scoring in the style of SpamBayes (Robinson's smoothed token probabilities combined
 * with Fisher's chi-square method). It says "unsure" (near 0.5) when the evidence is mixed, rather
 * than the overconfident 0 or 1 of a plain product of probabilities. Pure: counts come in.
 */
export interface TokenCounts {
  spam: number;
  ham: number;
}

export interface ModelStats {
  spamDocs: number;
  hamDocs: number;
}

/** Below this many trained comments of each kind the model gives no score. */
export const MIN_DOCS_PER_CLASS = 10;
/** Robinson's s and x: how strongly, and towards what, an unfamiliar token is pulled. */
const STRENGTH = 0.45;
const PRIOR = 0.5;
/** Tokens whose probability is this close to 0.5 say nothing. */
const MIN_DISTANCE = 0.1;
const MAX_CLUES = 150;

/** P(spam | token), smoothed towards 0.5 for rarely seen tokens. */
export function tokenProbability(counts: TokenCounts, stats: ModelStats): number {
  const spamRatio = stats.spamDocs > 0 ? Math.min(1, counts.spam / stats.spamDocs) : 0;
  const hamRatio = stats.hamDocs > 0 ? Math.min(1, counts.ham / stats.hamDocs) : 0;
  if (spamRatio + hamRatio === 0) return PRIOR;
  const p = spamRatio / (spamRatio + hamRatio);
  const n = counts.spam + counts.ham;
  return (STRENGTH * PRIOR + n * p) / (STRENGTH + n);
}

/** P(chi-square with v degrees of freedom >= x2), for even v. */
export function chi2Q(x2: number, v: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < v / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/**
 * Spam score in [0, 1] of a document's tokens, or null while the model knows too little
 * (fewer than MIN_DOCS_PER_CLASS trained comments of either kind).
 */
export function scoreTokens(
  tokens: readonly string[],
  counts: ReadonlyMap<string, TokenCounts>,
  stats: ModelStats,
  minDocs = MIN_DOCS_PER_CLASS,
): number | null {
  if (stats.spamDocs < minDocs || stats.hamDocs < minDocs) return null;
  const clues: number[] = [];
  for (const token of new Set(tokens)) {
    const c = counts.get(token);
    if (!c || c.spam + c.ham === 0) continue;
    const p = tokenProbability(c, stats);
    if (Math.abs(p - 0.5) >= MIN_DISTANCE) clues.push(p);
  }
  if (clues.length === 0) return 0.5;
  clues.sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5));
  const used = clues.slice(0, MAX_CLUES).map((p) => Math.min(0.99, Math.max(0.01, p)));
  let lnSpam = 0;
  let lnHam = 0;
  for (const p of used) {
    lnHam += Math.log(p);
    lnSpam += Math.log(1 - p);
  }
  const n = used.length;
  const s = 1 - chi2Q(-2 * lnSpam, 2 * n);
  const h = 1 - chi2Q(-2 * lnHam, 2 * n);
  return (s - h + 1) / 2;
}

/** In-memory counts: the evaluation script and tests train and score without a database. */
export class MemoryModel {
  readonly stats: ModelStats = { spamDocs: 0, hamDocs: 0 };
  readonly counts = new Map<string, TokenCounts>();

  train(tokens: readonly string[], label: 'spam' | 'ham', delta: 1 | -1 = 1): void {
    if (label === 'spam') this.stats.spamDocs = Math.max(0, this.stats.spamDocs + delta);
    else this.stats.hamDocs = Math.max(0, this.stats.hamDocs + delta);
    for (const token of new Set(tokens)) {
      const c = this.counts.get(token) ?? { spam: 0, ham: 0 };
      c[label] = Math.max(0, c[label] + delta);
      this.counts.set(token, c);
    }
  }

  score(tokens: readonly string[], minDocs?: number): number | null {
    return scoreTokens(tokens, this.counts, this.stats, minDocs);
  }
}
