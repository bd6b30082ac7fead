import pino, { type Logger } from 'pino';

/**
 * Logs never carry an email, an API key, an owner token or a one-click token.
 * Request logs record the path without its query string (moderator searches may contain an email),
 * and token-bearing paths are masked.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-parley-owner"]',
  '*.email', '*.password', '*.pass', '*.apiKey', '*.key', '*.token', '*.ownerToken', 'smtp.pass', 'smtp.url',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

const TOKEN_PATH = /^\/(moderate|unsubscribe|verify-email)\/[^/?]+/;
// Console sign-in links (/admin/login/<token>); /admin/login/key is a plain route.
const LOGIN_LINK_PATH = /^\/admin\/login\/(?!key$)[^/?]+/;
export function safePath(url: string): string {
  const path = url.split('?')[0];
  return path.replace(TOKEN_PATH, '/$1/[token]').replace(LOGIN_LINK_PATH, '/admin/login/[token]');
}
