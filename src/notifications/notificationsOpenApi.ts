import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { jobsQuerySchema, jobsResponseSchema, notifyPreferenceResponseSchema, notifyPreferenceSchema } from './notificationSchemas';

/**
 * The notification endpoints in the OpenAPI document. Call from src/http/openapi.ts with its registry,
 * its Error schema and the bearer scheme's name, like registerRulesPaths.
 */
export function registerNotificationPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType, bearerName = 'apiKey'): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const html = { content: { 'text/html': { schema: z.string() } } };
  const errorsFor = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(errorSchema) }]));
  const pageErrors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'Error page', ...html }]));
  const secured = { security: [{ [bearerName]: [] }] };
  const token = z.object({ token: z.string() });

  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/jobs', summary: 'Notification jobs of your sites, with attempts and last error, and counts per status', ...secured,
    request: { query: jobsQuerySchema }, responses: { 200: { description: 'Jobs', ...json(jobsResponseSchema) }, ...errorsFor(400, 401) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/notifications', summary: 'How you hear about new comments, per site', ...secured,
    responses: { 200: { description: 'Preferences', ...json(z.object({ sites: z.array(notifyPreferenceResponseSchema) })) }, ...errorsFor(401) },
  });
  registry.registerPath({
    method: 'patch', path: '/api/v1/moderation/notifications/{site}', summary: 'One email per comment, or a digest at most every N minutes', ...secured,
    request: { params: z.object({ site: z.string() }), body: json(notifyPreferenceSchema) },
    responses: { 200: { description: 'Updated', ...json(notifyPreferenceResponseSchema) }, ...errorsFor(400, 401, 404) },
  });
  registry.registerPath({
    method: 'get', path: '/moderate/{token}', summary: 'One-click link from a moderator email: confirm page (changes nothing)',
    request: { params: token }, responses: { 200: { description: 'Confirm page', ...html }, ...pageErrors(400, 404, 410) },
  });
  registry.registerPath({
    method: 'post', path: '/moderate/{token}', summary: 'One-click link: perform the action (audit-logged under the link’s moderator)',
    request: { params: token }, responses: { 200: { description: 'Done, or already done', ...html }, ...pageErrors(400, 403, 404, 409, 410) },
  });
  registry.registerPath({
    method: 'get', path: '/unsubscribe/{token}', summary: 'Reply-notification unsubscribe: confirm page',
    request: { params: token }, responses: { 200: { description: 'Confirm page', ...html }, ...pageErrors(400, 404, 410) },
  });
  registry.registerPath({
    method: 'post', path: '/unsubscribe/{token}', summary: 'Unsubscribe (RFC 8058 one-click POST accepted)',
    request: { params: token }, responses: { 200: { description: 'Unsubscribed', ...html }, ...pageErrors(400, 404, 410) },
  });
  registry.registerPath({
    method: 'get', path: '/verify-email/{token}', summary: 'Author email confirmation: confirm page (changes nothing)',
    request: { params: token }, responses: { 200: { description: 'Confirm page', ...html }, ...pageErrors(400, 404, 410) },
  });
  registry.registerPath({
    method: 'post', path: '/verify-email/{token}', summary: 'Confirm the address: its next comments skip the queue',
    request: { params: token }, responses: { 200: { description: 'Confirmed', ...html }, ...pageErrors(400, 404, 410) },
  });
}
