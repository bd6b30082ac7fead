import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { jobIdParams, inviteBodySchema, memberSchema, membersResponseSchema, rolePatchSchema, siteAdminViewSchema, sitePatchSchema } from './siteAdminSchemas';

/**
 * Console sign-in, GET /me, a comment's context, site administration and job retry in the OpenAPI document. Called by
 * src/http/openapi.ts with its registry, its Error schema and the bearer scheme's name.
 * Every moderator endpoint also takes the console's session cookie, with X-CSRF-Token on state changes.
 */
export function registerSiteAdminPaths(registry: OpenAPIRegistry, errorSchema: z.ZodType, bearerName = 'apiKey'): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const html = { content: { 'text/html': { schema: z.string() } } };
  const form = (schema: z.ZodType) => ({ content: { 'application/x-www-form-urlencoded': { schema } } });
  const errorsFor = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json(errorSchema) }]));
  const pageErrors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'Error page', ...html }]));
  const cookie = registry.registerComponent('securitySchemes', 'consoleSession', {
    type: 'apiKey', in: 'cookie', name: 'parley_session',
    description: 'Console session; every request that is not GET/HEAD/OPTIONS also needs the X-CSRF-Token header (or the _csrf form field).',
  });
  const secured = { security: [{ [bearerName]: [] }, { [cookie.name]: [] }] };
  const site = z.object({ site: z.string() });
  const member = site.extend({ id: z.string() });
  const base = '/api/v1/moderation/sites/{site}';

  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/me', summary: 'Who is signed in: moderator, sites with roles, and the CSRF token (null with a Bearer key)', ...secured,
    responses: {
      200: {
        description: 'Moderator',
        ...json(z.object({
          moderator: z.object({ id: z.string(), name: z.string() }),
          sites: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['moderator', 'admin']) })),
          csrfToken: z.string().nullable(),
        })),
      },
      ...errorsFor(401),
    },
  });
  registry.registerPath({
    method: 'post', path: '/admin/login', summary: 'Ask for an emailed sign-in link: the same page whatever the address',
    request: { body: form(z.object({ email: z.string(), next: z.string().optional(), lang: z.enum(['en', 'fr']).optional() })) },
    responses: { 200: { description: 'Sign-in page: a link is on its way if the address belongs to a moderator', ...html }, ...pageErrors(400, 403, 429) },
  });
  registry.registerPath({
    method: 'post', path: '/admin/login/key', summary: 'Sign in with an API key: sets the parley_session cookie',
    request: { body: form(z.object({ key: z.string(), next: z.string().optional(), lang: z.enum(['en', 'fr']).optional() })) },
    responses: { 303: { description: 'Signed in: to /admin or the next console path' }, ...pageErrors(400, 401, 403, 429) },
  });
  registry.registerPath({
    method: 'get', path: '/admin/login/{token}', summary: 'Emailed sign-in link: confirm page (changes nothing)',
    request: { params: z.object({ token: z.string() }) },
    responses: { 200: { description: 'Confirm page', ...html }, ...pageErrors(400, 410) },
  });
  registry.registerPath({
    method: 'post', path: '/admin/login/{token}', summary: 'Emailed sign-in link: sign in (single use, 15 minutes)',
    request: { params: z.object({ token: z.string() }) },
    responses: { 303: { description: 'Signed in: to /admin' }, ...pageErrors(400, 403, 410) },
  });
  registry.registerPath({
    method: 'post', path: '/admin/logout', summary: 'Sign out (needs the CSRF token)',
    request: { body: form(z.object({ _csrf: z.string() })) },
    responses: { 303: { description: 'Signed out: to /admin' }, ...pageErrors(403) },
  });
  registry.registerPath({
    method: 'get', path: base, summary: "A site's name, allowed origins and settings (admin)", ...secured,
    request: { params: site }, responses: { 200: { description: 'Site', ...json(siteAdminViewSchema) }, ...errorsFor(400, 401, 403, 404) },
  });
  registry.registerPath({
    method: 'patch', path: base, summary: 'Rename the site or replace its allowed origins (admin); every instance applies it within 5 s', ...secured,
    request: { params: site, body: json(sitePatchSchema) },
    responses: { 200: { description: 'Site', ...json(siteAdminViewSchema) }, ...errorsFor(400, 401, 403, 404, 415) },
  });
  registry.registerPath({
    method: 'get', path: `${base}/moderators`, summary: "The site's moderators (emails shown to admins only)", ...secured,
    request: { params: site }, responses: { 200: { description: 'Moderators', ...json(membersResponseSchema) }, ...errorsFor(400, 401, 403) },
  });
  registry.registerPath({
    method: 'post', path: `${base}/moderators`, summary: 'Invite a moderator (admin): adds the membership and emails a sign-in link', ...secured,
    request: { params: site, body: json(inviteBodySchema) },
    responses: { 201: { description: 'Invited', ...json(z.object({ moderator: memberSchema })) }, ...errorsFor(400, 401, 403, 404, 409, 415) },
  });
  registry.registerPath({
    method: 'patch', path: `${base}/moderators/{id}`, summary: "Change a moderator's role (admin); the last admin cannot be demoted", ...secured,
    request: { params: member, body: json(rolePatchSchema) },
    responses: { 200: { description: 'Updated', ...json(z.object({ moderator: memberSchema })) }, ...errorsFor(400, 401, 403, 404, 409, 415) },
  });
  registry.registerPath({
    method: 'delete', path: `${base}/moderators/{id}`, summary: 'Remove a moderator from the site (admin); the last admin cannot be removed', ...secured,
    request: { params: member }, responses: { 204: { description: 'Removed' }, ...errorsFor(400, 401, 403, 404, 409) },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/moderation/comments/{id}/context',
    summary: "A comment with its thread (a ModComment tree with replies), its audit history and the author's other comments on the site", ...secured,
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'comment, thread, audit, authorComments' }, ...errorsFor(400, 401, 404) },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/moderation/jobs/{id}/retry', summary: "Retry a dead notification job (admin of the job's site)", ...secured,
    request: { params: jobIdParams }, responses: { 200: { description: 'The job, queued again' }, ...errorsFor(400, 401, 403, 404, 409) },
  });
}
