/**
 * Ways a comment asks to be contacted outside the page: what advertising needs and a reader's reply
 * rarely has. Used as hard evidence by the spam rule and as features by the classifier.
 */
export type ContactKind = 'phone' | 'email' | 'messenger' | 'shortcode';

const LINK_LIKE = /\b(?:https?:\/\/|www\.)\S+/gi;
const PHONE = /(?:\+?\d[\s().-]{0,2}){9,}/;
const EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i;
/** Messenger apps: "WhatsApp +44…", "Telegram @fixedmatchpro", "t.me/…". A bare "@name" is a reply, not a contact. */
const MESSENGER = /\b(?:whats\s?app|telegram|wechat|viber|kik|snapchat|signal app)\b|\bt\.me\//i;
/**
 * Premium-rate replies: "text WIN to 87121", "reply STOP to 8007", or a bare five-digit number
 * ("ringtoneking 84484"; not an amount, a decimal or a time).
 */
const SHORTCODE = /\b(?:text|txt|send|reply|call|sms|ring)\b[^.!?\n]{0,30}?\b\d{4,6}\b|(?<![\d£$€.,:])\b\d{5}\b(?![\d.,:%])/i;

/** "Reply WIN now", "text STOP to…": a capitalised keyword to send back (the keyword is case-sensitive). */
const REPLY_KEYWORD = /\b(?:[Rr]eply|REPLY|[Tt]ext|TEXT|[Tt]xt|TXT|[Ss]end|SEND)\s+[A-Z][A-Z0-9]{0,9}\s+(?:to|now|for|TO|NOW|FOR)\b/;

export function contactDetails(text: string): ContactKind[] {
  const kinds: ContactKind[] = [];
  // Digits inside a cited link (a DOI, an article id) are not a phone number.
  const plain = text.replace(LINK_LIKE, ' ');
  if (PHONE.test(plain)) kinds.push('phone');
  if (EMAIL.test(text)) kinds.push('email');
  if (MESSENGER.test(text)) kinds.push('messenger');
  // A phone number's first digits read as a short code too; one reason is enough.
  if (!kinds.includes('phone') && (SHORTCODE.test(plain) || REPLY_KEYWORD.test(plain))) kinds.push('shortcode');
  return kinds;
}
