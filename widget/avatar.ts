/**
 * Avatars are initials on a colour derived from the display NAME. Never from the email:
 * a colour or image derived from an email would leak a hash of it (Gravatar's mistake).
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const firstChar = (w: string) => Array.from(w).find((ch) => /[\p{L}\p{N}]/u.test(ch)) ?? '';
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  const out = picked.map(firstChar).join('').toLocaleUpperCase();
  return out || '?';
}

/** FNV-1a over the normalised name: stable across browsers and the server. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name.trim().toLowerCase()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** 36 hues, 10 degrees apart, so the no-JS embed page can offer each as a class under a strict CSP. */
export const AVATAR_HUES = 36;

export function avatarHue(name: string): number {
  return (hashName(name) % AVATAR_HUES) * 10;
}

/** Saturation and lightness are fixed low enough that white initials pass WCAG AA on every hue. */
export function hueColour(hue: number): string {
  return `hsl(${hue}, 50%, 30%)`;
}

export function avatarColour(name: string): string {
  return hueColour(avatarHue(name));
}
