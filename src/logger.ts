import fs from 'node:fs';
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
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stdoutLines());
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const FULL_PIPE_RETRIES = 100; // 10 ms apart: a reader that is only slow gets a second to catch up

/**
 * Each line written to stdout at once, synchronously, as pino's default stream does, but never forever:
 * that stream retries a failed write without end when it flushes at exit, so once the reader of our output
 * had gone (EPIPE: a closed terminal, a supervisor that exited), a SIGTERM never ended the process. Here a
 * line waits briefly while the pipe is full and is dropped once the output is gone.
 */
function stdoutLines(): { write(line: string): void } {
  let gone = false;
  return {
    write(line) {
      let rest = Buffer.from(line);
      for (let tries = 0; !gone && rest.length > 0; ) {
        try {
          rest = rest.subarray(fs.writeSync(1, rest));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') gone = true;
          else if (++tries > FULL_PIPE_RETRIES) return;
          else Atomics.wait(PAUSE, 0, 0, 10);
        }
      }
    },
  };
}

const TOKEN_PATH = /^\/(moderate|unsubscribe|verify-email)\/[^/?]+/;
// Console sign-in links (/admin/login/<token>); /admin/login/key is a plain route.
const LOGIN_LINK_PATH = /^\/admin\/login\/(?!key$)[^/?]+/;
export function safePath(url: string): string {
  const path = url.split('?')[0];
  return path.replace(TOKEN_PATH, '/$1/[token]').replace(LOGIN_LINK_PATH, '/admin/login/[token]');
}
