/**
 * The classifiers `npm run eval:spam` compares. Each tokenizes a comment and trains/scores in memory,
 * exactly as the site's model does from its Postgres counts.
 */
import { MemoryModel } from '../src/spam/naiveBayes';
import { foldText } from '../src/text/foldText';
import { isCharGram } from '../src/spam/charGrams';
import { LOG_ODDS_PARAMS, scoreLogOdds, scoreTwoOpinions } from '../src/spam/logOddsModel';
import { tokenize, wordFeatures, type SpamDocument } from '../src/spam/tokenize';

export interface TrainableScorer {
  train(tokens: readonly string[], label: 'spam' | 'ham'): void;
  /** charEvidence: the second opinion that only holds (see spamScoreRule), when the approach has one. */
  score(tokens: readonly string[]): { score: number | null; clues: number; evidence?: number; charEvidence?: number | null };
}

export interface Approach {
  name: string;
  describe: string;
  tokenize(doc: SpamDocument): string[];
  model(): TrainableScorer;
}

export const APPROACHES: Approach[] = [
  {
    name: 'words-chi2',
    describe: 'word and word-pair tokens, SpamBayes chi-square naive Bayes (the model before issue 10)',
    tokenize: wordFeatures,
    model: () => {
      const m = new MemoryModel();
      return {
        train: (tokens, label) => m.train(tokens, label),
        score: (tokens) => ({ score: m.score(tokens), clues: tokens.filter((t) => m.counts.has(t)).length }),
      };
    },
  },
];

/** Counts in memory for the log-odds scorer (the same counts the site keeps in SpamToken). */
function logOddsApproach(name: string, describe: string, features: (doc: SpamDocument) => string[], params = LOG_ODDS_PARAMS): Approach {
  return {
    name,
    describe,
    tokenize: features,
    model: () => {
      const m = new MemoryModel();
      return {
        train: (tokens, label) => m.train(tokens, label),
        score: (tokens) => scoreLogOdds(tokens, m.counts, m.stats, params),
      };
    },
  };
}

APPROACHES.push(
  logOddsApproach('logodds', 'same tokens, smoothed clipped log-odds over sqrt(clues), Platt-calibrated (src/spam/logOddsModel.ts)', wordFeatures),
);

/** Character 4-grams of the folded body on top of the word tokens (rejected: see the eval output). */
function withChars(doc: SpamDocument): string[] {
  const base = wordFeatures(doc);
  const folded = ` ${foldText(doc.body).replace(/[^\p{L}\p{N}£$€]+/gu, ' ').trim()} `;
  const grams = new Set<string>();
  const n = 4;
  for (let i = 0; i + n <= folded.length && grams.size < 300; i++) grams.add(`c:${folded.slice(i, i + n)}`);
  return [...base, ...grams];
}
APPROACHES.push(logOddsApproach('logodds+chars', 'the same plus character 4-grams of the body', withChars));

/**
 * Two opinions from the same counts (kept: what the site runs). The spam verdict is logodds' alone;
 * the body's character trigrams, scored on their own, are a second opinion that can only hold
 * (CHAR_HOLD_EVIDENCE in src/moderation/rules/spamScoreRule.ts). Hold on the union, spam on words + hard evidence.
 */
APPROACHES.push({
  name: 'logodds+c3hold',
  describe: 'logodds for the verdict, plus a character-trigram log-odds second opinion that only holds (kept)',
  tokenize,
  model: () => {
    const m = new MemoryModel();
    return {
      train: (tokens, label) => m.train(tokens, label),
      score: (tokens) => scoreTwoOpinions(tokens, m.counts, m.stats, isCharGram),
    };
  },
});
