import type { Express } from 'express';
import request from 'supertest';

export interface ConsoleSignIn {
  /** The Cookie header value to send (`parley_session=...`). */
  cookie: string;
  /** The session's CSRF token, from GET /api/v1/moderation/me. */
  csrfToken: string;
  /** The raw Set-Cookie header of the sign-in answer. */
  setCookie: string;
}

/** The parley_session cookie a response set, as a Cookie header value. */
export function sessionCookieFrom(res: request.Response): string {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('parley_session='));
  if (!raw) throw new Error(`no parley_session cookie in the answer (status ${res.status})`);
  return raw.split(';')[0];
}

/** Signs in to the console with an API key, as the sign-in page's form does. */
export async function signInWithKey(app: Express, apiKey: string, ip = '203.0.113.10'): Promise<ConsoleSignIn> {
  const res = await request(app).post('/admin/login/key').set('X-Forwarded-For', ip).type('form').send({ key: apiKey });
  if (res.status !== 303) throw new Error(`key sign-in answered ${res.status}`);
  const cookie = sessionCookieFrom(res);
  const me = await request(app).get('/api/v1/moderation/me').set('Cookie', cookie).expect(200);
  return { cookie, csrfToken: me.body.csrfToken, setCookie: ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n') };
}
