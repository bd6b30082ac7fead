import { z } from 'zod';
import { JOB_STATUSES } from './queue';

/** Request and response shapes of the notification endpoints; they validate requests and feed OpenAPI. */

export const jobsQuerySchema = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Page on: jobs with a smaller id than this (the previous response's nextBefore). */
  before: z.string().regex(/^\d{1,19}$/, 'Use a job id.').optional(),
});

const jobCountsSchema = z.object(Object.fromEntries(JOB_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof JOB_STATUSES)[number], z.ZodNumber>);

export const jobsResponseSchema = z.object({
  counts: jobCountsSchema,
  jobs: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      status: z.enum(JOB_STATUSES),
      siteId: z.string().nullable(),
      payload: z.unknown(),
      attempts: z.number().int(),
      maxAttempts: z.number().int(),
      runAt: z.string(),
      lockedAt: z.string().nullable(),
      lockedBy: z.string().nullable(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
    }),
  ),
  nextBefore: z.string().nullable(),
});

export { notifyPreferenceSchema } from './notifyPreferences';

export const notifyPreferenceResponseSchema = z.object({
  site: z.string(),
  notifyMode: z.enum(['each', 'digest']),
  digestMinutes: z.number().int(),
  lastDigestAt: z.string().nullable(),
});
