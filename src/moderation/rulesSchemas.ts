import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { optionalText, requiredText, text, uuid } from '../http/fields';
import { siteSettingsSchema } from '../sites/siteSettings';

export const siteParams = z.object({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Unknown site.'),
});

export const banParams = siteParams.extend({ id: uuid('Ban id') });

const wordEdits = z
  .object({
    add: z.array(text('Word', 100).refine((w) => w.length > 0, 'A word cannot be empty.')).max(1000).optional(),
    remove: z.array(text('Word', 100)).max(1000).optional(),
  })
  .strict();

/** Add or remove single words without sending the whole list (which PATCH .../settings replaces). */
export const wordsPatchSchema = z
  .object({ holdWords: wordEdits.optional(), blockWords: wordEdits.optional() })
  .strict()
  .refine((v) => v.holdWords !== undefined || v.blockWords !== undefined, 'Give holdWords or blockWords.');

export const BAN_KINDS = ['email', 'ip', 'name'] as const;

export const banBodySchema = z
  .object({
    kind: z.enum(BAN_KINDS, { error: `kind must be one of ${BAN_KINDS.join(', ')}.` }),
    value: requiredText('Value', 320),
    reason: optionalText('Reason', 500),
    /** ISO 8601 time after which the ban no longer applies; absent or null: never expires. */
    expiresAt: z.iso
      .datetime({ offset: true, error: 'expiresAt must be an ISO 8601 time, e.g. 2026-12-31T00:00:00Z.' })
      .nullable()
      .optional()
      .transform((v) => (v ? new Date(v) : null)),
  })
  .strict();

export const banListQuerySchema = z.object({
  expired: z.enum(['include', 'exclude'], { error: 'expired must be include or exclude.' }).default('exclude'),
});

/**
 * A comment as the rules would see it. Author fields are optional: a moderator testing a word list
 * need not invent an author. `secondsOnForm` simulates the widget's form timing (absent: no token).
 */
export const rulesTestBodySchema = z
  .object({
    body: requiredText('Comment', 100_000),
    name: optionalText('Name', 200).transform((v) => v ?? 'Test Reader'),
    email: optionalText('Email', 254).transform((v) => v ?? 'rules-test@parley.invalid'),
    website: optionalText('Website', 2000),
    ip: optionalText('IP', 64).refine((v) => v === null || ipaddr.isValid(v), 'Enter an IPv4 or IPv6 address.'),
    honeypot: optionalText('Honeypot', 1000).transform((v) => v ?? undefined),
    secondsOnForm: z.number({ error: 'secondsOnForm must be a number of seconds.' }).min(0).max(86_400 * 7).nullable().optional(),
    returningAuthor: z.boolean({ error: 'returningAuthor must be true or false.' }).default(false),
  })
  .strict();

export const rulesTestResponseSchema = z.object({
  decision: z.enum(['approve', 'hold', 'spam', 'reject']),
  status: z.enum(['pending', 'approved', 'spam', 'rejected']),
  publicStatus: z.enum(['pending', 'approved']),
  reasons: z.array(z.string()),
  spamScore: z.number().nullable(),
});

export const settingsResponseSchema = z.object({ site: z.string(), settings: siteSettingsSchema });

export const banSchema = z.object({
  id: z.string(),
  kind: z.enum(BAN_KINDS),
  value: z.string(),
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  createdById: z.string().nullable(),
  active: z.boolean(),
});
