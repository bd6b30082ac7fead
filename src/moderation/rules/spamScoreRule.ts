import type { Rule } from './types';

export function formatScore(score: number): string {
  return `spam_score:${(Math.floor(score * 100) / 100).toFixed(2)}`;
}

/**
 * The site's classifier: at or above `spamThreshold` the comment goes to spam; at or above
 * `spamHoldScore` it waits for a moderator, whose decision then trains the classifier.
 */
export const spamScoreRule: Rule = ({ spamScore, settings }) => {
  if (spamScore === null) return null;
  if (spamScore >= settings.spamThreshold) return { decision: 'spam', reasons: [formatScore(spamScore)] };
  if (spamScore >= settings.spamHoldScore) return { decision: 'hold', reasons: [formatScore(spamScore)] };
  return null;
};
