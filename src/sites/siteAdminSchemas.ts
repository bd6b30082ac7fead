import { z } from 'zod';
import { requiredLineText, uuid } from '../http/fields';
import { siteSettingsSchema } from './siteSettings';

/**
 * Request and response shapes of the site administration endpoints (contract v1.1), shared by the
 * routes and the OpenAPI document.
 */
export const SITE_ROLES = ['moderator', 'admin'] as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * An allowed origin is `https://host[:port]`, or `http://` for localhost and 127.0.0.1 only (a widget on
 * a plain-http public page would send readers' addresses in clear). Returns the normalised origin, or null.
 */
export function normaliseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (/[?#]/.test(value) || !/^[a-z]+:\/\/[^/]+\/?$/i.test(value)) return null;
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) return url.origin;
  return null;
}

const originSchema = z
  .string({ error: 'Each origin must be text.' })
  .max(300, 'An origin is at most 300 characters.')
  .transform((v, c) => {
    const origin = normaliseOrigin(v.trim());
    if (!origin) {
      c.addIssue({ code: 'custom', message: 'An origin is https://host[:port] (http:// only for localhost and 127.0.0.1), without a path.' });
      return z.NEVER;
    }
    return origin;
  });

export const sitePatchSchema = z
  .object({
    name: requiredLineText('Name', 200).optional(),
    allowedOrigins: z.array(originSchema).max(100, 'At most 100 origins.').transform((list) => [...new Set(list)]).optional(),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.allowedOrigins !== undefined, 'Give name or allowedOrigins.');

export const siteAdminViewSchema = z.object({
  site: z.object({ id: z.string(), name: z.string(), allowedOrigins: z.array(z.string()), settings: siteSettingsSchema }),
});

export const inviteBodySchema = z
  .object({
    name: requiredLineText('Name', 200),
    email: z.string({ error: 'Email is required.' }).trim().max(320, 'Email must be at most 320 characters.').pipe(z.email('Enter a valid email address.')),
    role: z.enum(SITE_ROLES, { error: 'role is "moderator" or "admin".' }).default('moderator'),
  })
  .strict();

export const rolePatchSchema = z.object({ role: z.enum(SITE_ROLES, { error: 'role is "moderator" or "admin".' }) }).strict();

export const memberParams = z.object({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Unknown site.'),
  id: uuid('Moderator id'),
});

export const memberSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Shown to the site's admins only. */
  email: z.string().optional(),
  role: z.enum(SITE_ROLES),
});

export const membersResponseSchema = z.object({ moderators: z.array(memberSchema) });

export const jobIdParams = z.object({ id: z.string().regex(/^[0-9]{1,18}$/, 'Job id is a number.') });
