import { z } from 'zod';
import { privacyKindField, readerEmailField } from './readerAddress';

/** Request shapes of the data-rights endpoints (validation and the OpenAPI document). */
export const exportQuery = z.object({ email: readerEmailField, site: z.string().min(1).max(100).optional() });
export const eraseBody = z.object({
  email: readerEmailField,
  comments: z.enum(['anonymize', 'delete'], { error: 'comments is "anonymize" or "delete".' }).default('anonymize'),
  site: z.string().min(1).max(100).optional(),
});
export const requestBody = z.object({ email: readerEmailField, kind: privacyKindField });
