import { foldText, squeeze, wordTokens, type WordToken } from './foldText';

/**
 * Whole-word matching of hold and block words that survives the usual dodges: case, accents,
 * look-alike letters, fullwidth forms, zero-width characters, leetspeak ("v14gr4"), stretched
 * letters ("viaaagra"), spacing ("v i a g r a") and punctuation inside a word ("v.i.a.g.r.a", "via-gra").
 * An entry may be a phrase ("work from home"): its words must follow each other.
 */
export interface CompiledWord {
  /** The entry as the moderator typed it; used in reasons. */
  word: string;
  parts: string[];
}

export function compileWords(words: readonly string[]): CompiledWord[] {
  const out: CompiledWord[] = [];
  for (const word of words) {
    const parts = wordTokens(foldText(word)).map((t) => t.text);
    if (parts.length > 0) out.push({ word: word.trim(), parts });
  }
  return out;
}

/** The text's tokens as written, plus a second reading with obfuscated words glued back together. */
function readings(text: string): WordToken[][] {
  const tokens = wordTokens(foldText(text));
  const glued: WordToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    // A run of three or more single letters ("v i a g r a") reads as one word.
    let j = i;
    while (j < tokens.length && tokens[j].text.length === 1) j++;
    if (j - i >= 3) {
      glued.push({ text: tokens.slice(i, j).map((t) => t.text).join(''), joined: false, stretched: false });
      i = j;
      continue;
    }
    // Pieces joined by punctuation only ("via-gra", "c.a.s.i.n.o") read as one word.
    j = i + 1;
    while (j < tokens.length && tokens[j].joined) j++;
    const piece = tokens.slice(i, j);
    glued.push({
      text: piece.map((t) => t.text).join(''),
      joined: false,
      stretched: piece.some((t) => t.stretched),
    });
    i = j;
  }
  return [tokens, glued];
}

function sameWord(token: WordToken, part: string): boolean {
  if (token.text === part) return true;
  return token.stretched && squeeze(token.text) === squeeze(part);
}

/** The entries of `words` found in `text`, each once, in list order. */
export function findWords(text: string, words: readonly CompiledWord[]): string[] {
  if (words.length === 0 || text === '') return [];
  const streams = readings(text);
  const found: string[] = [];
  for (const entry of words) {
    const hit = streams.some((tokens) => {
      for (let i = 0; i + entry.parts.length <= tokens.length; i++) {
        if (entry.parts.every((part, k) => sameWord(tokens[i + k], part))) return true;
      }
      return false;
    });
    if (hit) found.push(entry.word);
  }
  return found;
}
