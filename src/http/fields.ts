import { z } from 'zod';

/**
 * Building blocks for request schemas. Text that Postgres cannot store (NUL) or that is not valid
 * UTF-16 (lone surrogates) is refused with a field error instead of failing deep in the database.
 */
export function text(label: string, max: number) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? `${label} is required.` : `${label} must be text.`) })
    .refine((s) => !s.includes('\u0000'), `${label} contains a character that is not allowed.`)
    .refine((s) => s.isWellFormed(), `${label} contains invalid characters.`)
    .transform((s) => s.normalize('NFC').trim())
    .refine((s) => s.length <= max, `${label} must be at most ${max} characters.`);
}

/**
 * C0 and C1 controls (CR/LF included) and DEL: never meaningful in a one-line field such as a name, and raw
 * CR/LF would reach every client that shows it. Tabs too, to keep names on one visual line.
 */
const LINE_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidi embeddings, overrides and isolates: dropped (as bodies drop them), so a name cannot reorder what follows it. */
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;

/** One line of text for names and websites: control characters are a field error, bidi overrides are dropped. */
export function lineText(label: string, max: number) {
  return text(label, max)
    .refine((s) => !LINE_CONTROLS.test(s), `${label} must be one line of text without control characters.`)
    .transform((s) => s.replace(BIDI_OVERRIDES, '').trim());
}

export function requiredText(label: string, max: number) {
  return text(label, max).refine((s) => s.length > 0, `${label} is required.`);
}

/** Empty string, null or absent becomes null. */
export function optionalText(label: string, max: number) {
  return z.preprocess((v) => (v === '' || v === null ? undefined : v), text(label, max).optional()).transform((v) => v || null);
}

export function requiredLineText(label: string, max: number) {
  return lineText(label, max).refine((s) => s.length > 0, `${label} is required.`);
}

export function optionalLineText(label: string, max: number) {
  return z.preprocess((v) => (v === '' || v === null ? undefined : v), lineText(label, max).optional()).transform((v) => v || null);
}

export const uuid = (label: string) =>
  z.string({ error: `${label} must be an id.` }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `${label} is not a valid id.`);

/** Booleans from JSON or from HTML forms ("on", "true", "1"). */
export const formBoolean = z
  .union([z.boolean(), z.enum(['on', 'true', '1', 'false', '0', 'off', ''])], {
    error: 'Must be true or false.',
  })
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

/** Numbers from query strings. */
export function queryInt(label: string, min: number, max: number, fallback: number) {
  return z
    .string({ error: `${label} must be a number.` })
    .regex(/^\d{1,7}$/, `${label} must be a whole number.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label} must be between ${min} and ${max}.`)
    .optional()
    .transform((n) => n ?? fallback);
}

/** A single query-string value (Express gives arrays for repeated keys). */
export function queryText(label: string, max: number) {
  return z.string({ error: `${label} must be given once, as text.` }).pipe(text(label, max));
}
