import { z } from 'zod';

/**
 * A site's moderation settings, stored as JSON on Site.settings. Every field has a default,
 * so a site created with `{}` behaves sensibly, and older rows gain new settings automatically.
 */
const windowLimit = z.object({
  max: z.number().int().min(1).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});

const wordList = z.array(z.string().trim().min(1).max(100)).max(1000);

export const siteSettingsSchema = z.object({
  /** pre: every comment waits unless a rule approves it. post: published unless a rule holds it. */
  mode: z.enum(['pre', 'post']).default('pre'),
  /** More links than this holds the comment (reason `links:N>max`). */
  maxLinks: z.number().int().min(0).max(100).default(2),
  holdWords: wordList.default([]),
  blockWords: wordList.default([]),
  /** Publish at once a proven returning author (owner token or verified email). */
  autoApproveReturning: z.boolean().default(true),
  /** Close pages this many days after they were first seen. null: never. */
  closeAfterDays: z.number().int().min(1).max(36_500).nullable().default(null),
  /** Deepest reply level (0: no replies). */
  maxDepth: z.number().int().min(0).max(10).default(3),
  /** Seconds a human needs at least between the form rendering and submitting it. 0: off. */
  minSubmitSeconds: z.number().int().min(0).max(600).default(3),
  rateLimit: z
    .object({
      perIp: windowLimit.default({ max: 10, windowSeconds: 60 }),
      perEmail: windowLimit.default({ max: 5, windowSeconds: 60 }),
    })
    .default({ perIp: { max: 10, windowSeconds: 60 }, perEmail: { max: 5, windowSeconds: 60 } }),
  limits: z
    .object({
      name: z.number().int().min(1).max(200).default(80),
      website: z.number().int().min(10).max(2000).default(200),
      body: z.number().int().min(1).max(100_000).default(10_000),
    })
    .default({ name: 80, website: 200, body: 10_000 }),
  /**
   * Calibrated classifier score at or above which a comment goes to spam, when a signal good comments
   * rarely have backs it (a link, contact details, a known spam author…); without one it waits.
   */
  spamThreshold: z.number().min(0.5).max(1).default(0.9),
  /** Classifier score at or above which a comment waits for a moderator (reason `spam_score:…`). */
  spamHoldScore: z.number().min(0).max(1).default(0.3),
  /** Hold comments sent without the widget's signed form token (API clients then always wait). */
  requireFormToken: z.boolean().default(false),
  /** Minutes after posting during which the author (proven by the owner token) may edit or delete a comment. 0: never. */
  editWindowMinutes: z.number().int().min(0).max(10_080).default(15),
});

export type SiteSettings = z.infer<typeof siteSettingsSchema>;

/** Partial update accepted by the settings endpoint and the CLI. */
export const siteSettingsPatchSchema = siteSettingsSchema.partial().strict();

export function parseSiteSettings(raw: unknown): SiteSettings {
  const result = siteSettingsSchema.safeParse(raw ?? {});
  // Stored settings were validated on write; a row edited by hand falls back to safe defaults.
  return result.success ? result.data : siteSettingsSchema.parse({});
}
