import { foldText } from '../text/foldText';

/**
 * Character trigrams of a comment's body: the classifier's second opinion. Words change from one
 * article (or one spam campaign) to the next; the way spam is spelled changes less: "150p", "£1.50",
 * "txt", "08712", "FREE", ".co.uk" share pieces with the campaigns moderators already decided, even
 * when no whole word does. The model finds which pieces matter; there is no hand list here.
 */
export const CHAR_GRAM_PREFIX = 'c3:';
const N = 3;
/** A long comment's trigrams past this many are not read (scoring stays fast, tokens bounded). */
export const MAX_CHAR_GRAMS = 300;

export function charGrams(body: string): string[] {
  const text = ` ${foldText(body).replace(/[^\p{L}\p{N}£$€]+/gu, ' ').trim()} `;
  const grams = new Set<string>();
  for (let i = 0; i + N <= text.length && grams.size < MAX_CHAR_GRAMS; i++) grams.add(`${CHAR_GRAM_PREFIX}${text.slice(i, i + N)}`);
  return [...grams];
}

export function isCharGram(token: string): boolean {
  return token.startsWith(CHAR_GRAM_PREFIX);
}
