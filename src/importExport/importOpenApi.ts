import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { exportQuerySchema, importParams, importQuerySchema, importResponseSchema } from './importRoutes';

/** The admin import endpoint in the OpenAPI document (called by src/http/openapi.ts). */
export function registerImportPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType, bearerName = 'apiKey'): void {
  const file = { schema: z.string().describe('The export file itself (streamed; at most IMPORT_MAX_BYTES).') };
  registry.registerPath({
    method: 'post',
    path: '/api/v1/moderation/sites/{site}/import',
    summary: 'Import comments from a WordPress (WXR), Disqus or Parley export (site admins)',
    description:
      'The raw file is the request body. Pages are keyed by their URL path; threading, dates, statuses, names, emails, ' +
      'websites and IPs are kept; pingbacks and trackbacks are skipped. Running the same import again adds nothing. ' +
      'A malformed file is refused (400, naming the line and column) and nothing of it is stored.',
    security: [{ [bearerName]: [] }],
    request: {
      params: importParams,
      query: importQuerySchema,
      body: { content: { 'application/xml': file, 'text/xml': file, 'application/json': file, 'application/octet-stream': file } },
    },
    responses: {
      200: { description: 'Imported', content: { 'application/json': { schema: importResponseSchema } } },
      ...Object.fromEntries([400, 401, 403, 413, 415].map((c) => [String(c), { description: 'Error', content: { 'application/json': { schema: errorSchema } } }])),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/moderation/sites/{site}/export',
    summary: "The site's pages and comments as Parley JSON or WordPress WXR, with emails (site admins)",
    security: [{ [bearerName]: [] }],
    request: { params: importParams, query: exportQuerySchema },
    responses: {
      200: { description: 'The export file (streamed)', content: { 'application/json': file, 'application/xml': file } },
      ...Object.fromEntries([400, 401, 403].map((c) => [String(c), { description: 'Error', content: { 'application/json': { schema: errorSchema } } }])),
    },
  });
}
