import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import type { AppContext } from '../../src/context';
import { verifyLinkToken, type LinkClaims } from '../../src/notifications/linkTokens';
import { createSmtpTransport, type MailTransport } from '../../src/notifications/mailTransport';
import { startWorker, type WorkerOptions } from '../../src/notifications/worker';
import { commentInput, createSite, type TestApp } from '../helpers/testApp';

export function smtpTransportTo(ctx: AppContext, port: number): MailTransport {
  return createSmtpTransport(
    { ...ctx.config, smtp: { host: '127.0.0.1', port, secure: false } },
    { connectionTimeout: 1000, greetingTimeout: 1000, socketTimeout: 3000 },
  );
}

/** Test timings: milliseconds instead of minutes. */
export const FAST: WorkerOptions = {
  pollMs: 20,
  leaseMs: 3000,
  backoff: { baseMs: 40, maxMs: 200 },
  outageRetryMs: { initial: 50, max: 250 },
  stopTimeoutMs: 5000,
};

/** A worker with test timings; stopping it also closes the transport it was given. */
export function fastWorker(ctx: AppContext, transport: MailTransport, over: WorkerOptions = {}) {
  const worker = startWorker(ctx, { ...FAST, transport, ...over });
  return {
    id: worker.id,
    async stop() {
      await worker.stop();
      transport.close();
    },
  };
}

/** A pre-moderated site with no rate limits in the way of a flood of test comments. */
export function createHeldSite(ctx: AppContext) {
  return createSite(ctx, {
    settings: {
      mode: 'pre',
      rateLimit: { perIp: { max: 100_000, windowSeconds: 60 }, perEmail: { max: 100_000, windowSeconds: 60 } },
    },
  });
}

export async function postComment(t: TestApp, site: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; ownerToken: string }> {
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput(overrides)).expect(201);
  return { id: res.body.comment.id, ownerToken: res.body.ownerToken };
}

/** The (comment, moderator, action) each one-click link in a message stands for. */
export function moderationLinksIn(ctx: AppContext, mail: ParsedMail): LinkClaims[] {
  const tokens = [...String(mail.text ?? '').matchAll(/\/moderate\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
  return tokens.map((tok) => {
    const r = verifyLinkToken(ctx.secretKey, tok, ctx.now());
    if (!r.ok) throw new Error(`bad token in mail: ${r.reason}`);
    return r.claims;
  });
}

export function recipient(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

/** A header as sent (mailparser folds List-* headers into a structure). */
export function rawHeader(mail: ParsedMail, key: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === key.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\s+/g, ' ').trim();
}
