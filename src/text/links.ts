/**
 * Links in comment text, shared by the link rule and the spam features.
 * Explicit URLs, `www.` hosts and bare domains with a common top-level domain ("cheap-pills.ru/buy"). */
const LINK = new RegExp(
  [
    String.raw`\b(?:https?|ftp):\/\/[^\s<>"')\]]+`,
    String.raw`\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"')\]]*`,
    String.raw`\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|ru|cn|xyz|top|io|co|me|site|online|shop|store|club|live|link|click|pw|tk|ml|ga|cf|gq|us|uk|de|in|vip|win|bid|loan|work)\b(?:\/[^\s<>"')\]]*)?`,
  ].join('|'),
  'gi',
);

/** Links in a text, in order; a link written twice counts twice (repetition is what spam does). */
export function findLinks(text: string): string[] {
  return text.normalize('NFKC').match(LINK) ?? [];
}
