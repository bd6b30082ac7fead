import { compileWords, findWords, type CompiledWord } from './wordMatch';
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

/** A block word sends the comment to spam. */
export const blockWordRule: Rule = (input) => {
  const found = findWords(searchedText(input), compiledList(input.settings.blockWords));
  return found.length > 0 ? { decision: 'spam', reasons: found.map((w) => `block_word:${w}`) } : null;
};

/** A hold word makes the comment wait for a moderator. */
export const holdWordRule: Rule = (input) => {
  const found = findWords(searchedText(input), compiledList(input.settings.holdWords));
  return found.length > 0 ? { decision: 'hold', reasons: found.map((w) => `hold_word:${w}`) } : null;
};
