import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { publicCommentSchema } from './commentSchemas';
import { editOwnCommentSchema } from './readerSchemas';

/**
 * The reader's own-comment endpoints and the reply-email page in the OpenAPI document (called from
 * src/http/openapi.ts). The thread's `sort` and `around` are in its query schema (readerSchemas.ts).
 */
export function registerReaderPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errorsFor = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(errorSchema) }]));
  const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  const params = z.object({ site: z.string(), id: z.string() });
  const owner = z.object({ 'x-parley-owner': z.string().meta({ description: 'The owner token of this comment (one of a list is enough).' }) });

  registry.registerPath({
    method: 'patch', path: '/api/v1/sites/{site}/comments/{id}',
    summary: 'The author edits their comment within the site’s edit window (editWindowMinutes); the rules run again',
    request: { params, headers: owner, body: json(editOwnCommentSchema) },
    responses: {
      200: { description: 'Edited', ...json(z.object({ comment: publicCommentSchema, message: z.string() })) },
      ...errorsFor(400, 403, 404, 415),
    },
  });
  registry.registerPath({
    method: 'delete', path: '/api/v1/sites/{site}/comments/{id}',
    summary: 'The author deletes their comment within the edit window (status deleted; no row is dropped)',
    request: { params, headers: owner },
    responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 403, 404) },
  });
  const token = z.object({ token: z.string() });
  registry.registerPath({
    method: 'get', path: '/subscriptions/{token}', summary: 'Reply-email page (signed link from reply emails): lists the reader’s subscriptions; changes nothing',
    request: { params: token, query: z.object({ lang: z.enum(['en', 'fr']).optional() }) },
    responses: { 200: html('Page'), 400: html('Invalid link'), 410: html('Expired link') },
  });
  registry.registerPath({
    method: 'post', path: '/subscriptions/{token}', summary: 'Unsubscribe from one comment (`comment=<id>`) or all (`all=1`); 303 back to the page',
    request: {
      params: token,
      body: { content: { 'application/x-www-form-urlencoded': { schema: z.object({ comment: z.string().optional(), all: z.literal('1').optional() }) } } },
    },
    responses: { 303: { description: 'Back to the page' }, 400: html('Invalid link or request'), 410: html('Expired link') },
  });
}
