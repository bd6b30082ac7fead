import SMTPConnection from 'nodemailer/lib/smtp-connection';

/**
 * A few SMTP connections kept open for messages that are already composed (composePlainMessage): each message
 * goes straight to nodemailer's SMTPConnection. Through `sendMail`, nodemailer wrapped even a ready buffer in
 * its composer, a MIME node and a stream pipeline, with an AbortController per message: more CPU than the
 * rest of a notification, and the worker's one thread ran out of it before the mail server did.
 *
 * What nodemailer's own pool does for us is kept: connections are reused; a reused connection the server has
 * since dropped is replaced and the message tried once more on a fresh one; a refused envelope resets the
 * session and keeps the connection; idle connections are closed.
 */

export type SmtpConnectionOptions = SMTPConnection.Options & { auth?: { user?: string; pass?: string } };

export interface RawEnvelope {
  from: string;
  to: string[];
}

interface Pooled {
  connection: SMTPConnection;
  /** Messages sent on it: a failure on a reused connection may only mean the server dropped it meanwhile. */
  sent: number;
  gone: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** Closed after this long unused: servers drop idle sessions after a few minutes anyway. */
const IDLE_CLOSE_MS = 15_000;

type SmtpError = Error & { code?: string; responseCode?: number };

/** The connection broke or the server said it is closing (421): nothing about this message was refused. */
function connectionLost(err: SmtpError): boolean {
  return err.responseCode === 421 || err.code === 'ECONNECTION' || err.code === 'ESOCKET' || err.code === 'ETIMEDOUT';
}

export class SmtpPool {
  private readonly idle: Pooled[] = [];
  private open = 0;
  private readonly waiting: Array<{ resolve: (p: Pooled | null) => void; reject: (e: unknown) => void }> = [];
  private closed = false;

  private readonly connectionOptions: SMTPConnection.Options;

  constructor(
    private readonly options: SmtpConnectionOptions,
    private readonly maxConnections: number,
  ) {
    const { auth: _credentials, ...connectionOptions } = options;
    this.connectionOptions = connectionOptions;
  }

  async send(envelope: RawEnvelope, raw: Buffer): Promise<void> {
    const pooled = await this.acquire();
    try {
      await this.sendOn(pooled, envelope, raw);
    } catch (err) {
      if (pooled.sent > 0 && connectionLost(err as SmtpError)) {
        // The server dropped a connection we kept (idle timeout, restart): once more on a new one. At worst the
        // server had the message already, and gets it again with the same Message-ID, as after a worker crash.
        await this.sendOn(await this.acquire(true), envelope, raw);
        return;
      }
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.idle.splice(0)) this.discard(p, true);
    for (const w of this.waiting.splice(0)) w.reject(Object.assign(new Error('mail transport closed'), { code: 'ECONNECTION' }));
  }

  private sendOn(pooled: Pooled, envelope: RawEnvelope, raw: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A copy each time: nodemailer keeps the attempt's state (refused recipients) on the envelope it is given.
      pooled.connection.send({ from: envelope.from, to: [...envelope.to] }, raw, (err) => {
        if (!err) {
          pooled.sent++;
          this.release(pooled);
          return resolve();
        }
        const e = err as SmtpError;
        if (!pooled.gone && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421) {
          // Refused by the server, the session itself is fine: reset it and keep the connection.
          pooled.connection.reset((resetErr) => (resetErr ? this.discard(pooled) : this.release(pooled)));
        } else {
          this.discard(pooled);
        }
        reject(err);
      });
    });
  }

  /** An idle connection, a new one while under the limit, or the next one released. `fresh`: never a kept one. */
  private async acquire(fresh = false): Promise<Pooled> {
    if (this.closed) throw Object.assign(new Error('mail transport closed'), { code: 'ECONNECTION' });
    while (!fresh && this.idle.length) {
      const p = this.idle.pop()!;
      clearTimeout(p.idleTimer);
      if (!p.gone) return p;
      this.open--;
    }
    if (this.open < this.maxConnections || fresh) return this.connect();
    const next = await new Promise<Pooled | null>((resolve, reject) => this.waiting.push({ resolve, reject }));
    // null: a connection was closed, which leaves room for a new one.
    return next ?? this.acquire();
  }

  private connect(): Promise<Pooled> {
    this.open++;
    const connection = new SMTPConnection(this.connectionOptions);
    const pooled: Pooled = { connection, sent: 0, gone: false };
    const gone = () => {
      if (pooled.gone) return;
      pooled.gone = true;
      const at = this.idle.indexOf(pooled);
      if (at >= 0) {
        this.idle.splice(at, 1);
        clearTimeout(pooled.idleTimer);
        this.open--;
        this.wakeOne(null);
      }
    };
    return new Promise<Pooled>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        pooled.gone = true;
        connection.close();
        this.open--;
        this.wakeOne(null);
        reject(err);
      };
      // Errors after the connection is up reach the send that is running (or mark an idle one gone).
      connection.on('error', (err) => (settled ? gone() : fail(err)));
      connection.once('end', () => (settled ? gone() : fail(Object.assign(new Error('connection closed'), { code: 'ECONNECTION' }))));
      connection.connect((err) => {
        if (err) return fail(err);
        const auth = this.options.auth;
        if (!auth?.user || !connection.allowsAuth) return settle();
        const credentials = { user: auth.user, pass: auth.pass ?? '' };
        connection.login({ credentials } as unknown as SMTPConnection.AuthenticationType, (loginErr) => (loginErr ? fail(loginErr) : settle()));
      });
      function settle() {
        if (settled) return;
        settled = true;
        resolve(pooled);
      }
    });
  }

  private release(pooled: Pooled): void {
    if (pooled.gone || this.closed) return this.discard(pooled, true);
    const waiter = this.waiting.shift();
    if (waiter) return waiter.resolve(pooled);
    pooled.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(pooled);
      if (at >= 0) this.idle.splice(at, 1);
      this.discard(pooled, true);
    }, IDLE_CLOSE_MS);
    pooled.idleTimer.unref();
    this.idle.push(pooled);
  }

  /** Closes a connection that is not in the idle list (QUIT when it is still healthy). */
  private discard(pooled: Pooled, politely = false): void {
    clearTimeout(pooled.idleTimer);
    const wasGone = pooled.gone;
    pooled.gone = true;
    if (politely && !wasGone) pooled.connection.quit();
    else pooled.connection.close();
    this.open--;
    this.wakeOne(null);
  }

  private wakeOne(value: Pooled | null): void {
    if (this.closed) return;
    this.waiting.shift()?.resolve(value);
  }
}
