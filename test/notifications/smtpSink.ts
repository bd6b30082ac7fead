import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in the test process. It can go down and come back on the same port, and can
 * answer RCPT with a chosen reply code for a number of messages, like a real server in trouble.
 */
export interface SmtpSink {
  port: number;
  messages: ParsedMail[];
  /** Reject the next `times` recipients (Infinity: all) with this reply. */
  rejectWith(code: number, message: string, times?: number): void;
  /** Counts of rejected recipients. */
  rejected: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

export async function startSmtpSink(opts: { port?: number; startNow?: boolean } = {}): Promise<SmtpSink> {
  let server: SMTPServer | null = null;
  let reject: { code: number; message: string; times: number } | null = null;
  const sink: SmtpSink = {
    port: opts.port ?? (await freePort()),
    messages: [],
    rejected: 0,
    rejectWith(code, message, times = Infinity) {
      reject = { code, message, times };
    },
    async start() {
      if (server) return;
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        closeTimeout: 50,
        onRcptTo(_address, _session, cb) {
          if (reject && reject.times > 0) {
            reject.times--;
            sink.rejected++;
            const err = Object.assign(new Error(reject.message), { responseCode: reject.code });
            return cb(err);
          }
          cb();
        },
        onData(stream, _session, cb) {
          simpleParser(stream).then(
            (mail) => {
              sink.messages.push(mail);
              cb();
            },
            (err) => cb(err),
          );
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.server.once('error', reject);
        server!.listen(sink.port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async waitFor(count, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (sink.messages.length < count) {
        if (Date.now() > until) throw new Error(`waited for ${count} messages, got ${sink.messages.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  if (opts.startNow !== false) await sink.start();
  return sink;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition') {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
