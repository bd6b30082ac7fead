/**
 * A value as the JSON text of one statement parameter (the batched write statements send their rows this way).
 * Strings are made well-formed first: JSON.stringify writes a lone surrogate as a `\ud800` escape, which
 * Postgres refuses to turn into text, while the same string as a plain parameter arrives as U+FFFD. A reader
 * may send one in any field, and the spam tokenizer's character grams can cut a pair in two.
 */
export function jsonParameter(value: unknown): string {
  return JSON.stringify(value, wellFormed);
}

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.toWellFormed() : value;
}
