import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  countsQuerySchema, countsResponseSchema, submitCommentSchema, submitResponseSchema, threadResponseSchema,
} from '../comments/commentSchemas';
import { auditQuerySchema, bulkBodySchema, editBodySchema, listQuerySchema } from '../moderation/moderationSchemas';
import { registerImportPaths } from '../importExport/importOpenApi';
import { registerReaderPaths } from '../comments/readerOpenApi';
import { threadListQuerySchema } from '../comments/readerSchemas';
import { registerRulesPaths } from '../moderation/rulesOpenApi';
import { registerNotificationPaths } from '../notifications/notificationsOpenApi';
import { registerSiteAdminPaths } from '../sites/siteAdminOpenApi';
import { registerDataRightsPaths } from '../privacy/privacyOpenApi';

/**
 * The OpenAPI 3 document, generated from the same zod schemas that validate requests,
 * so the description cannot drift from what the server accepts.
 */
extendZodWithOpenApi(z);

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export function buildOpenApiDocument(serverUrl: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  const Error = registry.register('Error', errorSchema);
  const siteParam = z.object({ site: z.string() });
  const idParam = z.object({ id: z.string() });
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errorsFor = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(Error) }]));
  const input = (schema: z.ZodType) => schema; // request schemas as written (input side)

  registry.registerPath({
    method: 'post', path: '/api/v1/sites/{site}/comments', summary: 'Submit a comment',
    request: {
      params: siteParam,
      body: { content: { 'application/json': { schema: input(submitCommentSchema) }, 'application/x-www-form-urlencoded': { schema: input(submitCommentSchema) } } },
    },
    responses: { 201: { description: 'Stored', ...json(submitResponseSchema) }, 303: { description: 'Form post: back to the page' }, ...errorsFor(400, 403, 404, 409, 413, 415, 429) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/sites/{site}/comments', summary: 'Public thread of a page',
    request: { params: siteParam, query: threadListQuerySchema, headers: z.object({ 'x-parley-owner': z.string().optional() }) },
    responses: { 200: { description: 'Thread', ...json(threadResponseSchema) }, 304: { description: 'Not modified' }, ...errorsFor(400, 403, 404) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/sites/{site}/counts', summary: 'Approved comment counts per page',
    request: { params: siteParam, query: countsQuerySchema },
    responses: { 200: { description: 'Counts', ...json(countsResponseSchema) }, ...errorsFor(400, 403, 404) },
  });
  const secured = { security: [{ [bearer.name]: [] }] };
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/comments', summary: 'Moderation queue', ...secured,
    request: { query: listQuerySchema }, responses: { 200: { description: 'Comments' }, ...errorsFor(400, 401, 403) },
  });
  for (const action of ['approve', 'reject', 'spam', 'restore']) {
    registry.registerPath({
      method: 'post', path: `/api/v1/moderation/comments/{id}/${action}`, summary: `${action} a comment`, ...secured,
      request: { params: idParam }, responses: { 200: { description: 'Updated comment' }, ...errorsFor(401, 404) },
    });
  }
  registry.registerPath({
    method: 'patch', path: '/api/v1/moderation/comments/{id}', summary: 'Edit a comment', ...secured,
    request: { params: idParam, body: json(editBodySchema) }, responses: { 200: { description: 'Updated comment' }, ...errorsFor(400, 401, 404) },
  });
  registry.registerPath({
    method: 'delete', path: '/api/v1/moderation/comments/{id}', summary: 'Delete a comment (kept, status deleted)', ...secured,
    request: { params: idParam }, responses: { 200: { description: 'Updated comment' }, ...errorsFor(401, 404) },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/moderation/comments/bulk', summary: 'Act on many comments', ...secured,
    request: { body: json(bulkBodySchema) }, responses: { 200: { description: 'Per-comment results' }, ...errorsFor(400, 401) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/audit', summary: 'Audit log', ...secured,
    request: { query: auditQuerySchema }, responses: { 200: { description: 'Events' }, ...errorsFor(400, 401, 403) },
  });
  registerRulesPaths(registry, Error, bearer.name);
  registerReaderPaths(registry, Error);
  registerImportPaths(registry, Error, bearer.name);
  registerNotificationPaths(registry, Error, bearer.name);
  registerSiteAdminPaths(registry, Error, bearer.name);
  registerDataRightsPaths(registry, Error, bearer.name);
  registry.registerPath({ method: 'get', path: '/metrics', summary: 'Prometheus metrics', responses: { 200: { description: 'Metrics text' } } });
  for (const p of ['/healthz', '/readyz']) {
    registry.registerPath({ method: 'get', path: p, responses: { 200: { description: 'OK' }, 503: { description: 'Not ready' } } });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'Parley API', version: '1.0.0', description: 'Self-hosted, moderated comments.' },
    servers: [{ url: serverUrl }],
  });
}
