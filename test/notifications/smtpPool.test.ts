import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { loadConfig } from '../../src/config';
import { composePlainMessage, createSmtpTransport, type OutgoingMail } from '../../src/notifications/mailTransport';
import { SmtpPool } from '../../src/notifications/smtpPool';
import { freePort } from './smtpSink';

/**
 * The connections the worker sends composed notifications over (src/notifications/smtpPool.ts), against a
 * real SMTP server in this process: messages arrive whole, connections are reused, and the ways a real
 * server lets a connection down (a refused recipient, an idle timeout, a restart, bad credentials) are
 * handled as nodemailer's own pool handled them.
 */

interface TestServer {
  port: number;
  messages: ParsedMail[];
  envelopes: Array<{ from: string; to: string[] }>;
  connections: number;
  stop(): Promise<void>;
}

async function startServer(port: number, extra: Partial<SMTPServerOptions> = {}): Promise<TestServer> {
  const t: TestServer = { port, messages: [], envelopes: [], connections: 0, stop: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 50,
    onConnect(_session, cb) {
      t.connections++;
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('refused')) return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => {
        t.messages.push(mail);
        t.envelopes.push({ from: (session.envelope.mailFrom as { address: string }).address, to: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      }, cb);
    },
    ...extra,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  t.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return t;
}

function mail(n: number, to = `reader${n}@example.com`): OutgoingMail {
  return {
    to: { name: `Reader ${n}`, address: to },
    subject: `Comment ${n} is waiting`,
    // A line that starts with a dot must survive SMTP's end-of-data marker.
    text: `Comment ${n}\n.a line that starts with a dot\n.\nend`,
    html: `<p>Comment ${n}</p>`,
    messageId: `<job-${n}@parley.test>`,
  };
}

const FROM = { header: '"Parley" <parley@example.com>', address: 'parley@example.com' };
const raw = (n: number, to?: string) => composePlainMessage(FROM, mail(n, to))!;
const envelope = (to: string) => ({ from: FROM.address, to: [to] });
const TIMEOUTS = { connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 };

describe('SMTP pool for composed notifications', () => {
  let server: TestServer | undefined;
  let pool: SmtpPool | undefined;
  afterEach(async () => {
    pool?.close();
    await server?.stop();
    pool = server = undefined;
  });

  it('delivers each message whole, over no more connections than allowed', async () => {
    server = await startServer(await freePort());
    pool = new SmtpPool({ host: '127.0.0.1', port: server.port, ...TIMEOUTS }, 2);
    await Promise.all(Array.from({ length: 12 }, (_, n) => pool!.send(envelope(`reader${n}@example.com`), raw(n))));

    expect(server.messages).toHaveLength(12);
    expect(server.connections).toBeLessThanOrEqual(2);
    const byId = new Map(server.messages.map((m) => [m.messageId, m]));
    for (let n = 0; n < 12; n++) {
      const m = byId.get(`<job-${n}@parley.test>`)!;
      expect(m.subject).toBe(`Comment ${n} is waiting`);
      expect(m.text).toBe(`Comment ${n}\n.a line that starts with a dot\n.\nend`);
      expect(m.html).toBe(`<p>Comment ${n}</p>`);
    }
    expect(server.envelopes.map((e) => e.to[0]).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `reader${n}@example.com`).sort());
  });

  it('reports a refused recipient with its reply code and keeps the connection for the next message', async () => {
    server = await startServer(await freePort());
    pool = new SmtpPool({ host: '127.0.0.1', port: server.port, ...TIMEOUTS }, 1);
    await pool.send(envelope('reader1@example.com'), raw(1));
    await expect(pool.send(envelope('refused@example.com'), raw(2, 'refused@example.com'))).rejects.toMatchObject({ responseCode: 550 });
    await pool.send(envelope('reader3@example.com'), raw(3));

    expect(server.messages.map((m) => m.messageId)).toEqual(['<job-1@parley.test>', '<job-3@parley.test>']);
    expect(server.connections).toBe(1);
  });

  it('sends on a new connection when the server has dropped an idle one', async () => {
    // The server closes sessions idle for 300 ms (421), as real servers do after a few minutes.
    server = await startServer(await freePort(), { socketTimeout: 300 });
    pool = new SmtpPool({ host: '127.0.0.1', port: server.port, ...TIMEOUTS }, 1);
    await pool.send(envelope('reader1@example.com'), raw(1));
    await new Promise((r) => setTimeout(r, 600));
    await pool.send(envelope('reader2@example.com'), raw(2));

    expect(server.messages.map((m) => m.messageId)).toEqual(['<job-1@parley.test>', '<job-2@parley.test>']);
    expect(server.connections).toBe(2);
  });

  it('sends on a new connection after the server restarted under a kept one', async () => {
    const port = await freePort();
    server = await startServer(port);
    pool = new SmtpPool({ host: '127.0.0.1', port, ...TIMEOUTS }, 1);
    await pool.send(envelope('reader1@example.com'), raw(1));
    await server.stop();
    server = await startServer(port);
    await pool.send(envelope('reader2@example.com'), raw(2));

    expect(server.messages.map((m) => m.messageId)).toEqual(['<job-2@parley.test>']);
  });

  it('fails with a connection error while the server is down, and sends once it is back', async () => {
    const port = await freePort();
    pool = new SmtpPool({ host: '127.0.0.1', port, ...TIMEOUTS }, 2);
    const refused = await pool.send(envelope('reader1@example.com'), raw(1)).then(() => null, (err: { code?: string }) => err);
    // What the worker takes for "mail server unreachable" (src/notifications/worker.ts).
    expect(['ECONNECTION', 'ESOCKET']).toContain(refused?.code);
    server = await startServer(port);
    await pool.send(envelope('reader1@example.com'), raw(1));
    expect(server.messages).toHaveLength(1);
  });

  it('refuses to send once closed', async () => {
    server = await startServer(await freePort());
    pool = new SmtpPool({ host: '127.0.0.1', port: server.port, ...TIMEOUTS }, 1);
    await pool.send(envelope('reader1@example.com'), raw(1));
    pool.close();
    await expect(pool.send(envelope('reader2@example.com'), raw(2))).rejects.toMatchObject({ code: 'ECONNECTION' });
    expect(server.messages).toHaveLength(1);
  });
});

describe('SMTP transport with credentials in SMTP_URL', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.stop());

  async function authServer() {
    const logins: string[] = [];
    server = await startServer(await freePort(), {
      disabledCommands: ['STARTTLS'],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        logins.push(auth.username ?? '');
        if (auth.username === 'mailer' && auth.password === 's3cret:/@') return cb(null, { user: auth.username });
        cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
      },
    });
    return logins;
  }

  const config = (url: string) => loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: url, MAIL_FROM: 'Parley <parley@example.com>' });

  it('logs in with them (escaped characters too) and delivers', async () => {
    const logins = await authServer();
    const transport = createSmtpTransport(config(`smtp://mailer:${encodeURIComponent('s3cret:/@')}@127.0.0.1:${server!.port}`), TIMEOUTS);
    try {
      await transport.send(mail(1));
      await transport.send(mail(2));
    } finally {
      transport.close();
    }
    expect(server!.messages.map((m) => m.messageId)).toEqual(['<job-1@parley.test>', '<job-2@parley.test>']);
    expect(server!.messages[0].from?.text).toBe('"Parley" <parley@example.com>');
    expect(logins).toEqual(['mailer']);
  });

  it('fails with an authentication error when they are wrong, sending nothing', async () => {
    await authServer();
    const transport = createSmtpTransport(config(`smtp://mailer:wrong@127.0.0.1:${server!.port}`), TIMEOUTS);
    try {
      await expect(transport.send(mail(1))).rejects.toMatchObject({ code: 'EAUTH' });
    } finally {
      transport.close();
    }
    expect(server!.messages).toHaveLength(0);
  });
});
