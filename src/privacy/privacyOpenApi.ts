import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../webhooks/enqueueWebhookEvent';
import { deliveriesQuerySchema, webhookBodySchema } from '../webhooks/webhookSchemas';
import { eraseBody, exportQuery, requestBody } from './privacySchemas';

/**
 * Data rights, feeds and webhooks in the OpenAPI document. Call from src/http/openapi.ts with its registry,
 * its Error schema and the bearer scheme's name, like registerRulesPaths.
 */
export function registerDataRightsPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType, bearerName = 'apiKey'): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const html = { content: { 'text/html': { schema: z.string() } } };
  const errorsFor = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(errorSchema) }]));
  const pageErrors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'Error page', ...html }]));
  const secured = { security: [{ [bearerName]: [] }] };
  const site = z.object({ site: z.string() });
  const hookParams = z.object({ site: z.string(), id: z.string().uuid() });
  const token = z.object({ token: z.string() });
  const webhook = z.object({ id: z.string(), url: z.string(), events: z.array(z.enum(WEBHOOK_EVENTS)), createdAt: z.string() });

  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/privacy/export', summary: 'Every comment stored under an address on your admin sites, every field (admin)', ...secured,
    request: { query: exportQuery }, responses: { 200: { description: 'The data', ...json(z.object({ email: z.string(), comments: z.array(z.record(z.string(), z.unknown())) })) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/moderation/privacy/erase', summary: 'Erase an address from your admin sites (admin)', ...secured,
    request: { body: json(eraseBody) }, responses: { 200: { description: 'Comments erased', ...json(z.object({ comments: z.number().int() })) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/sites/{site}/privacy/requests', summary: "A reader asks for their data or its erasure: a signed link is emailed (if the address has comments here); always 202",
    request: { params: site, body: json(requestBody) }, responses: { 202: { description: 'Accepted', ...json(z.object({ message: z.string() })) }, ...errorsFor(400, 403, 404, 429) },
  });
  registry.registerPath({ method: 'get', path: '/privacy/{site}', summary: 'The "Your data" page (EN/FR, no JavaScript needed)', request: { params: site }, responses: { 200: { description: 'Page', ...html }, ...pageErrors(404) } });
  registry.registerPath({ method: 'get', path: '/privacy/confirm/{token}', summary: 'Emailed link: confirm page (changes nothing)', request: { params: token }, responses: { 200: { description: 'Confirm page', ...html }, ...pageErrors(400, 410) } });
  registry.registerPath({ method: 'post', path: '/privacy/confirm/{token}', summary: 'Emailed link: do it (export by email, or erase)', request: { params: token }, responses: { 200: { description: 'Done', ...html }, ...pageErrors(400, 410) } });
  registry.registerPath({
    method: 'get', path: '/feeds/{file}', summary: 'Atom 1.0 feed of the latest 50 approved comments: /feeds/{site}.atom, or one page with ?page=',
    request: { params: z.object({ file: z.string() }), query: z.object({ page: z.string().optional() }) },
    responses: { 200: { description: 'Atom feed', content: { 'application/atom+xml': { schema: z.string() } } }, 304: { description: 'Not modified' }, ...errorsFor(400, 404) },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/moderation/sites/{site}/webhooks', summary: 'Register a webhook (admin); the secret is shown once', ...secured,
    request: { params: site, body: json(webhookBodySchema) }, responses: { 201: { description: 'Registered', ...json(z.object({ webhook: webhook.extend({ secret: z.string() }) })) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/sites/{site}/webhooks', summary: "The site's webhooks (admin)", ...secured,
    request: { params: site }, responses: { 200: { description: 'Webhooks', ...json(z.object({ webhooks: z.array(webhook) })) }, ...errorsFor(401, 403) },
  });
  registry.registerPath({
    method: 'delete', path: '/api/v1/moderation/sites/{site}/webhooks/{id}', summary: 'Remove a webhook (admin)', ...secured,
    request: { params: hookParams }, responses: { 204: { description: 'Removed' }, ...errorsFor(400, 401, 403, 404) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/sites/{site}/webhooks/{id}/deliveries', summary: 'Recent deliveries and their outcome (admin)', ...secured,
    request: { params: hookParams, query: deliveriesQuerySchema },
    responses: { 200: { description: 'Deliveries', ...json(z.object({ deliveries: z.array(z.record(z.string(), z.unknown())) })) }, ...errorsFor(400, 401, 403, 404) },
  });
}
