import type { Response } from 'express';

/**
 * Headers for the pages and files this folder serves. The app-wide helmet defaults (CORP same-origin,
 * frame-ancestors 'self', X-Frame-Options) would stop other sites from loading /widget.js or framing
 * /embed, so these routes set their own, after helmet, and only these routes.
 */

/** A site's allowed origins, as CSP source expressions; anything odd is dropped rather than injected. */
export function originSources(origins: readonly string[]): string[] {
  return origins.filter((o) => /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o));
}

export interface PageCspOptions {
  /** Script sources beyond none ('self' for the demo page, which loads /widget.js). */
  scripts: boolean;
  frameAncestors: string[];
}

export function pageCsp({ scripts, frameAncestors }: PageCspOptions): string {
  return [
    "default-src 'none'",
    scripts ? "script-src 'self'" : "script-src 'none'",
    scripts ? "connect-src 'self'" : null,
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ]
    .filter(Boolean)
    .join('; ');
}

export function setPageHeaders(res: Response, csp: string, embeddable: boolean): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  if (embeddable) {
    // frame-ancestors above is the allowlist; X-Frame-Options cannot express one, so it goes.
    res.removeHeader('X-Frame-Options');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  } else {
    res.setHeader('X-Frame-Options', 'DENY');
  }
}

/** /widget.js is loaded by every site's pages: readable cross-origin, cached briefly, revalidated by ETag. */
export function setScriptHeaders(res: Response): void {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.removeHeader('Content-Security-Policy');
}
