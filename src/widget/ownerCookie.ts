import type { Request, Response } from 'express';

/**
 * Without JavaScript there is no localStorage, so the embed page keeps the reader's owner tokens in
 * an HttpOnly cookie scoped to that site's embed path. It lets them see their own pending comment
 * after the redirect, exactly as the widget does with its stored tokens.
 */
const MAX_TOKENS = 20;
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

const cookieName = (siteId: string) => `parley_owner_${siteId}`;

export function readOwnerCookie(req: Request, siteId: string): string[] {
  const name = cookieName(siteId);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v) return v.split('.').filter((t) => TOKEN.test(t)).slice(-MAX_TOKENS);
  }
  return [];
}

export function writeOwnerCookie(req: Request, res: Response, siteId: string, tokens: string[]): void {
  res.cookie(cookieName(siteId), tokens.filter((t) => TOKEN.test(t)).slice(-MAX_TOKENS).join('.'), {
    path: `/embed/${siteId}`,
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    maxAge: 365 * 24 * 3600 * 1000,
    encode: String,
  });
}
