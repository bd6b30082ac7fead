/**
 * A value as the JSON text of one statement parameter (the batched write statements send their rows this way).
 * Strings must be well-formed: JSON.stringify writes a lone surrogate as a `\ud800` escape, which Postgres
 * refuses to turn into text, while the same string as a plain parameter arrives as U+FFFD. A reader may send
 * one in any field, and the spam tokenizer's character grams can cut a pair in two. Such an escape is rare,
 * so the text is checked for it rather than every string walked (a replacer function costs JSON.stringify its
 * fast path: ~4% of a POST's CPU).
 */
export function jsonParameter(value: unknown): string {
  const text = JSON.stringify(value);
  return LONE_SURROGATE_ESCAPE.test(text) ? JSON.stringify(value, wellFormed) : text;
}

/** Also matches an escaped backslash followed by such text (a reader who typed "\ud800"): that only takes the slower path. */
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.toWellFormed() : value;
}
