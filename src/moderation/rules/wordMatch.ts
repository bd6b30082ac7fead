import { foldText, squeeze, wordTokens, type WordToken } from '../../text/foldText';

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

/** Entries by their first word (exact, and squeezed for stretched tokens), so a long list costs one lookup per token. */
interface WordIndex {
  exact: Map<string, CompiledWord[]>;
  squeezed: Map<string, CompiledWord[]>;
}
const indexes = new WeakMap<readonly CompiledWord[], WordIndex>();
function indexOf(words: readonly CompiledWord[]): WordIndex {
  let index = indexes.get(words);
  if (!index) {
    index = { exact: new Map(), squeezed: new Map() };
    for (const entry of words) {
      for (const [map, key] of [[index.exact, entry.parts[0]], [index.squeezed, squeeze(entry.parts[0])]] as const) {
        const list = map.get(key) ?? [];
        list.push(entry);
        map.set(key, list);
      }
    }
    indexes.set(words, index);
  }
  return index;
}

/** The entries of `words` found in `text`, each once, in list order. */
export function findWords(text: string, words: readonly CompiledWord[]): string[] {
  if (words.length === 0 || text === '') return [];
  const index = indexOf(words);
  const hits = new Set<CompiledWord>();
  for (const tokens of readings(text)) {
    tokens.forEach((token, i) => {
      const candidates = [
        ...(index.exact.get(token.text) ?? []),
        ...(token.stretched ? index.squeezed.get(squeeze(token.text)) ?? [] : []),
      ];
      for (const entry of candidates) {
        if (hits.has(entry) || i + entry.parts.length > tokens.length) continue;
        if (entry.parts.every((part, k) => sameWord(tokens[i + k], part))) hits.add(entry);
      }
    });
  }
  return words.filter((w) => hits.has(w)).map((w) => w.word);
}
