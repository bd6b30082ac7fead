import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { siteSettingsPatchSchema, siteSettingsSchema } from '../sites/siteSettings';
import { spamDailyQuerySchema, spamDailyResponseSchema } from '../spam/spamDaily';
import {
  banBodySchema, banListQuerySchema, banSchema, rulesTestBodySchema, rulesTestResponseSchema, settingsResponseSchema, wordsPatchSchema,
} from './rulesSchemas';

/**
 * The rules endpoints in the OpenAPI document, from the same zod schemas that validate them.
 * Called by src/http/openapi.ts with its registry and its Error schema.
 */
export function registerRulesPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType, bearerName = 'apiKey'): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errorsFor = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(errorSchema) }]));
  const secured = { security: [{ [bearerName]: [] }] };
  const site = z.object({ site: z.string() });
  const words = z.object({ holdWords: z.array(z.string()), blockWords: z.array(z.string()) });
  const base = '/api/v1/moderation/sites/{site}';

  registry.registerPath({
    method: 'get', path: '/api/v1/sites/{site}/form-token', summary: 'Signed form timestamp for the widget (bot timing)',
    request: { params: site }, responses: { 200: { description: 'Token', ...json(z.object({ formToken: z.string() })) }, ...errorsFor(403, 404) },
  });
  registry.registerPath({
    method: 'get', path: `${base}/spam/daily`, summary: 'Comments sent to spam and restored ("Not spam") per UTC day, oldest first, zero-filled', ...secured,
    request: { params: site, query: spamDailyQuerySchema },
    responses: { 200: { description: 'Days', ...json(spamDailyResponseSchema) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'get', path: `${base}/settings`, summary: "A site's moderation settings", ...secured,
    request: { params: site }, responses: { 200: { description: 'Settings', ...json(settingsResponseSchema) }, ...errorsFor(400, 401, 403, 404) },
  });
  registry.registerPath({
    method: 'patch', path: `${base}/settings`, summary: 'Change some settings (nested groups merge; lists are replaced)', ...secured,
    request: { params: site, body: json(siteSettingsPatchSchema) },
    responses: { 200: { description: 'Settings', ...json(z.object({ site: z.string(), settings: siteSettingsSchema })) }, ...errorsFor(400, 401, 403, 404, 415) },
  });
  registry.registerPath({
    method: 'get', path: `${base}/words`, summary: 'Hold and block words', ...secured,
    request: { params: site }, responses: { 200: { description: 'Word lists', ...json(words) }, ...errorsFor(401, 403) },
  });
  registry.registerPath({
    method: 'patch', path: `${base}/words`, summary: 'Add or remove hold and block words', ...secured,
    request: { params: site, body: json(wordsPatchSchema) }, responses: { 200: { description: 'Word lists', ...json(words) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'get', path: `${base}/bans`, summary: 'Bans (active ones unless expired=include)', ...secured,
    request: { params: site, query: banListQuerySchema },
    responses: { 200: { description: 'Bans', ...json(z.object({ bans: z.array(banSchema) })) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'post', path: `${base}/bans`, summary: 'Ban an email (or *@domain), an IP or CIDR range, or a name pattern', ...secured,
    request: { params: site, body: json(banBodySchema) },
    responses: { 201: { description: 'Created', ...json(z.object({ ban: banSchema })) }, ...errorsFor(400, 401, 403, 415) },
  });
  registry.registerPath({
    method: 'delete', path: `${base}/bans/{id}`, summary: 'Lift a ban', ...secured,
    request: { params: site.extend({ id: z.string() }) }, responses: { 204: { description: 'Removed' }, ...errorsFor(400, 401, 403, 404) },
  });
  registry.registerPath({
    method: 'post', path: `${base}/rules/test`, summary: 'Dry run: what the rules would decide, storing nothing', ...secured,
    request: { params: site, body: json(rulesTestBodySchema) },
    responses: { 200: { description: 'Decision', ...json(rulesTestResponseSchema) }, ...errorsFor(400, 401, 403, 415) },
  });
}
