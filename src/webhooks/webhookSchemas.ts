import { z } from 'zod';
import { WEBHOOK_EVENTS } from './enqueueWebhookEvent';

export const webhookBodySchema = z.object({
  url: z
    .string({ error: 'URL is required.' })
    .trim()
    .max(2000, 'URL must be at most 2000 characters.')
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'Enter an http(s) URL without credentials.'),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `Events are ${WEBHOOK_EVENTS.join(', ')}.` }), { error: 'Events must be a list.' })
    .min(1, 'Choose at least one event.')
    .max(WEBHOOK_EVENTS.length)
    .transform((list) => [...new Set(list)]),
});

export const webhookParams = z.object({
  site: z.string().min(1).max(100),
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Not a webhook id.').optional(),
});

export const deliveriesQuerySchema = z.object({
  limit: z.coerce.number({ error: 'limit must be a number.' }).int().min(1).max(200).default(50),
});
