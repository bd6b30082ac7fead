import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveDeliveryAddress } from './addressPolicy';
import { signatureHeader } from './webhookSecret';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookAttempt {
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  body: string;
  allowPrivate: boolean;
  now: Date;
  timeoutMs?: number;
}

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** A lookup that answers every query with the address resolved (and checked) before connecting. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/**
 * One signed POST. Redirects are not followed (a 3xx is a failure), the whole exchange must finish within
 * the timeout, and the connection goes to the address checked by resolveDeliveryAddress, nowhere else.
 */
export async function sendWebhook(a: WebhookAttempt): Promise<AttemptResult> {
  let url: URL;
  try {
    url = new URL(a.url);
  } catch {
    return { ok: false, status: null, error: 'invalid URL' };
  }
  let pinned: { address: string; family: 4 | 6 };
  try {
    pinned = await resolveDeliveryAddress(url, a.allowPrivate);
  } catch (err) {
    return { ok: false, status: null, error: `refused: ${(err as Error).message}` };
  }
  const t = Math.floor(a.now.getTime() / 1000);
  const client = url.protocol === 'https:' ? https : http;
  const timeoutMs = a.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        lookup: pinnedLookup(pinned.address, pinned.family),
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(a.body),
          'User-Agent': 'Parley-Webhooks/1',
          'Parley-Event': a.event,
          'Parley-Delivery': a.deliveryId,
          'Parley-Signature': signatureHeader(a.secret, a.body, t),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // The answer's body is not needed; read (and drop) it so the socket closes cleanly.
        res.on('data', () => {});
        res.on('end', () => finish(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `the receiver answered ${status}` }));
        res.on('error', (err) => finish({ ok: false, status, error: err.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: err.code ?? err.message }));
    req.end(a.body);
  });
}
