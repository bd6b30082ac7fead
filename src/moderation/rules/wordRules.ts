import { compileWords, findWords, type CompiledWord } from './wordMatch';
import { formatScore, hardEvidence } from './spamScoreRule';
import type { Rule, RuleInput } from './types';

// Word lists change rarely; compiling them once per list (by identity) keeps each check cheap.
const compiled = new WeakMap<readonly string[], CompiledWord[]>();
function compiledList(words: readonly string[]): CompiledWord[] {
  let list = compiled.get(words);
  if (!list) {
    list = compileWords(words);
    compiled.set(words, list);
  }
  return list;
}

/** Name, website and body are all checked: spammers put their keywords in the name too. */
function searchedText({ comment }: RuleInput): string {
  return [comment.name, comment.website ?? '', comment.body].join('\n');
}

/**
 * A block word sends the comment to spam, unless the site's trained classifier finds the comment
 * ordinary (a score under `spamHoldScore`) and nothing else speaks against it: then it waits for a
 * moderator. Words have innocent senses ("xxx" signs off a message with kisses) and nobody reads spam.
 */
export const blockWordRule: Rule = (input) => {
  const found = findWords(searchedText(input), compiledList(input.settings.blockWords));
  if (found.length === 0) return null;
  const reasons = found.map((w) => `block_word:${w}`);
  const { spamScore, settings } = input;
  if (spamScore !== null && spamScore < settings.spamHoldScore) {
    const evidence = hardEvidence(input);
    if (evidence.length === 0) return { decision: 'hold', reasons: [...reasons, formatScore(spamScore)] };
    return { decision: 'spam', reasons: [...reasons, ...evidence] };
  }
  return { decision: 'spam', reasons };
};

/** A hold word makes the comment wait for a moderator. */
export const holdWordRule: Rule = (input) => {
  const found = findWords(searchedText(input), compiledList(input.settings.holdWords));
  return found.length > 0 ? { decision: 'hold', reasons: found.map((w) => `hold_word:${w}`) } : null;
};
