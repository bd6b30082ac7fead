import { z } from 'zod';
import { text } from '../http/fields';
import { WEBHOOK_EVENTS } from './enqueueWebhookEvent';

export const webhookBodySchema = z.object({
  url: text('URL', 2000)
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'Enter an http(s) URL without credentials.')
    // Stored and used as the URL parser writes it (odd characters percent-encoded).
    .transform((v) => new URL(v).toString()),
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
