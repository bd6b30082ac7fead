/**
 * Text folding shared by the word rules, the duplicate fingerprint and the spam tokenizer.
 * Spammers dodge word lists with accents, look-alike letters from other scripts, fullwidth forms,
 * zero-width characters, leetspeak and spacing; folding maps all of those onto plain a-z first.
 */

/** Invisible characters that split a word without showing: zero-width space/joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;

/** Cyrillic, Greek and other letters that look like Latin ones (lower case; text is lower-cased first). */
const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', з: '3', и: 'u', й: 'u', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p',
  с: 'c', т: 't', у: 'y', х: 'x', ь: 'b', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h',
  ӏ: 'l', ү: 'y', ғ: 'f', ҝ: 'k', ԍ: 'g',
  // Greek
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p',
  σ: 'o', ς: 's', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
  // Latin look-alikes that NFKD does not decompose
  ı: 'i', ȷ: 'j', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't', ß: 'ss', æ: 'ae', œ: 'oe', ɑ: 'a', ɡ: 'g',
  ʀ: 'r', ɪ: 'i', ʏ: 'y', ᴀ: 'a', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ᴋ: 'k', ᴍ: 'm', ᴏ: 'o', ᴘ: 'p', ᴛ: 't', ᴜ: 'u',
};
const HOMOGLYPH_RE = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');

/**
 * Lower-cases, removes invisible characters, maps fullwidth/styled forms (NFKC), look-alike letters
 * and accents onto plain Latin. Digits and punctuation are kept: leetspeak is a matching concern.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(HOMOGLYPH_RE, (ch) => HOMOGLYPHS[ch] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

/** Characters used as letters in leetspeak. `l` and `1` both read as `i` so "onl1ne" and "0nIine" meet. */
const LEET: Record<string, string> = {
  '0': 'o', '1': 'i', '!': 'i', '|': 'i', l: 'i', '3': 'e', '4': 'a', '@': 'a', '5': 's', $: 's',
  '7': 't', '+': 't', '8': 'b', '9': 'g', '6': 'g',
};

/** Letters of a word as compared by the word rules: leetspeak read as letters, `l` read as `i`. */
export function skeleton(token: string): string {
  let out = '';
  for (const ch of token) out += LEET[ch] ?? ch;
  return out;
}

/** Collapses every run of one letter to a single letter ("viaaagra" -> "viagra"). */
export function squeeze(s: string): string {
  return s.replace(/(.)\1+/g, '$1');
}

export interface WordToken {
  /** Skeleton form (see skeleton()). */
  text: string;
  /** True when the token was glued to the previous one by punctuation only ("via-gra", "v.i.a"), not by spacing. */
  joined: boolean;
  /** True when the raw token had a letter repeated three times or more ("freeeee"). */
  stretched: boolean;
}

/** Characters that may form part of a word after folding (letters, digits, and the leet symbols). */
const WORD_CHAR = /[\p{L}\p{N}@$|!+]/u;

/**
 * Splits folded text into word tokens. A token holds letters and digits; leet symbols count as letters
 * only between other word characters ("v!agra", not "wow!"). Pure digit runs ("2024") stay digits.
 */
export function wordTokens(folded: string): WordToken[] {
  const tokens: WordToken[] = [];
  const chars = Array.from(folded);
  let current = '';
  let sepHasSpace = false;
  let sawAny = false;
  const isCore = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  const flush = () => {
    if (current === '') return;
    const stripped = current.replace(/^[@$|!+]+|[|!+]+$/g, '');
    if (stripped !== '') {
      const raw = /^\d+$/.test(stripped) ? stripped : skeleton(stripped);
      tokens.push({ text: raw, joined: sawAny && !sepHasSpace, stretched: /(\p{L})\1\1/u.test(stripped) });
      sawAny = true;
    }
    current = '';
    sepHasSpace = false;
  };
  const isSymbol = (ch: string | undefined) => ch !== undefined && !isCore(ch) && WORD_CHAR.test(ch);
  /** A run of leet symbols starting at i is followed by a letter or digit ("v!@gr@", "@ss"). */
  const symbolsLeadToCore = (i: number) => {
    let j = i;
    while (isSymbol(chars[j])) j++;
    return isCore(chars[j]);
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    // `$` and `@` may also end a word ("a$$"); `!`, `|` and `+` there are punctuation ("wow!").
    const trailingLetter = (ch === '$' || ch === '@') && current !== '';
    if (isCore(ch) || (isSymbol(ch) && (symbolsLeadToCore(i) || trailingLetter))) {
      current += ch;
    } else {
      flush();
      if (/\s/u.test(ch)) sepHasSpace = true;
    }
  }
  flush();
  return tokens;
}
