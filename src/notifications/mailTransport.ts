import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { encodeWord, foldLines } from 'nodemailer/lib/mime-funcs';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { scrubEmails } from './scrub';
import { SmtpPool } from './smtpPool';

/** One message, addressed to one person. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Stable per job, so a resend after a crash is recognisable as the same message. */
  messageId: string;
  headers?: Record<string, string>;
  /** The one-click links in the message, logged when mail goes to files (never addresses). */
  links?: Record<string, string>;
  /** Files sent along (a reader's data export). */
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  /** Can we reach the server at all? Used to tell an outage from a message the server refuses. */
  verify(): Promise<boolean>;
  close(): void;
}

export interface SmtpTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

/** Well under the worker's lease, so a stuck send fails before another worker may reclaim its job. */
export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionTimeout: 15_000,
  greetingTimeout: 15_000,
  socketTimeout: 30_000,
};

export function smtpConfigured(config: Config): boolean {
  return Boolean(config.smtp.url || config.smtp.host);
}

function headersFor(mail: OutgoingMail): Record<string, string> {
  return { 'Auto-Submitted': 'auto-generated', ...(mail.headers ?? {}) };
}

function message(from: string, mail: OutgoingMail) {
  return {
    from,
    to: { name: mail.to.name.replace(/[\r\n"]/g, ' ').slice(0, 100), address: mail.to.address },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: headersFor(mail),
    ...(mail.attachments ? { attachments: mail.attachments } : {}),
  };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_ADDRESS = /^[\x21-\x7e]+@[\x21-\x7e]+$/;

/** MAIL_FROM as a header value and an envelope address, when it is the plain ASCII case (parsed once). */
function plainAddress(value: string): { header: string; address: string } | null {
  const [parsed] = addressparser(value) as Array<{ name?: string; address?: string }>;
  if (!parsed?.address || !ASCII_ADDRESS.test(parsed.address)) return null;
  const name = parsed.name ? headerName(parsed.name) : '';
  return { header: name ? `${name} <${parsed.address}>` : parsed.address, address: parsed.address };
}

function headerName(name: string): string {
  if (PRINTABLE_ASCII.test(name) && !name.includes('=?')) return `"${name.replace(/["\\]/g, '\\$&')}"`;
  return encodeWord(name, 'Q', 52);
}

function headerLine(key: string, value: string): string {
  return foldLines(`${key}: ${value}`, 76);
}

function qpPart(type: string, content: string): string {
  return `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qpWrap(qpEncode(content), 76)}`;
}

/**
 * A notification as one MIME buffer (multipart/alternative: text, then html), the shape nodemailer's composer
 * gives it, written without its stream pipeline: composing through streams cost more CPU than the rest of a
 * job. Only the usual case: no attachments, ASCII addresses and header values (null: nodemailer composes it).
 */
export function composePlainMessage(from: { header: string }, mail: OutgoingMail): Buffer | null {
  if (mail.attachments?.length || !ASCII_ADDRESS.test(mail.to.address)) return null;
  const extra = headersFor(mail);
  for (const [k, v] of Object.entries(extra)) if (!/^[A-Za-z0-9-]+$/.test(k) || !PRINTABLE_ASCII.test(v)) return null;
  if (!PRINTABLE_ASCII.test(mail.messageId)) return null;
  const toName = mail.to.name.replace(/[\r\n"]/g, ' ').slice(0, 100).trim();
  const subject = mail.subject.replace(/[\r\n]+/g, ' ');
  const boundary = `--_parley_${randomUUID()}`;
  const head = [
    'Content-Type: multipart/alternative;\r\n boundary="' + boundary + '"',
    headerLine('From', from.header),
    headerLine('To', toName ? `${headerName(toName)} <${mail.to.address}>` : mail.to.address),
    headerLine('Subject', PRINTABLE_ASCII.test(subject) && !subject.includes('=?') ? subject : encodeWord(subject, 'Q', 52)),
    ...Object.entries(extra).map(([k, v]) => headerLine(k, v)),
    `Message-ID: ${mail.messageId}`,
    `Date: ${new Date().toUTCString().replace(/GMT/, '+0000')}`,
    'MIME-Version: 1.0',
  ].join('\r\n');
  return Buffer.from(
    `${head}\r\n\r\n--${boundary}\r\n${qpPart('text/plain', mail.text)}\r\n--${boundary}\r\n${qpPart('text/html', mail.html)}\r\n--${boundary}--\r\n`,
  );
}

export function createSmtpTransport(
  config: Config,
  timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS,
): MailTransport {
  const s = config.smtp;
  const server = s.url ? parseConnectionUrl(s.url) : { host: s.host, port: s.port, secure: s.secure ?? s.port === 465 };
  const auth = s.user ? { user: s.user, pass: s.pass ?? '' } : (server.auth as { user?: string; pass?: string } | undefined);
  // Four messages in flight: a message is two SMTP round trips (nodemailer pipelines the envelope), and with
  // two connections the worker waited a third of its time.
  const maxConnections = 4;
  const from = plainAddress(config.mailFrom);
  // The usual notification, composed here, goes over connections of our own (src/notifications/smtpPool.ts);
  // nodemailer's transport sends the rest (attachments, non-ASCII addresses) and checks the server.
  const rawPool = new SmtpPool({ ...server, ...(auth ? { auth } : {}), ...timeouts }, maxConnections);
  const transporter = nodemailer.createTransport({
    ...server,
    ...(auth ? { auth } : {}),
    pool: true,
    maxConnections,
    // Keep the pooled connections for good (nodemailer's default reconnects after 100 messages).
    maxMessages: Infinity,
    ...timeouts,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: 'smtp',
    async send(mail) {
      const raw = from && composePlainMessage(from, mail);
      if (raw) await rawPool.send({ from: from.address, to: [mail.to.address] }, raw);
      else await transporter.sendMail(message(config.mailFrom, mail));
    },
    async verify() {
      try {
        await transporter.verify();
        return true;
      } catch {
        return false;
      }
    },
    close() {
      rawPool.close();
      transporter.close();
    },
  };
}

/**
 * Embedded mode without SMTP: each message becomes an .eml file under <dataDir>/mail, and its
 * one-click links go to the log so a new user can act on them straight away.
 */
export function createFileTransport(config: Config, log: Logger): MailTransport {
  const dir = path.join(config.dataDir, 'mail');
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let seq = 0;
  return {
    kind: 'file',
    async send(mail) {
      const info = (await transporter.sendMail(message(config.mailFrom, mail))) as { message: Buffer };
      await mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const safeId = mail.messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
      const file = path.join(dir, `${stamp}-${process.pid}-${++seq}-${safeId}.eml`);
      // Written aside, then renamed: whoever watches the folder never sees half a message.
      await writeFile(`${file}.partial`, info.message);
      await rename(`${file}.partial`, file);
      log.info({ file, subject: scrubEmails(mail.subject), links: mail.links ?? {} }, 'email written to file (no SMTP configured)');
    },
    async verify() {
      try {
        await mkdir(dir, { recursive: true });
        return true;
      } catch {
        return false;
      }
    },
    close() {},
  };
}

export function createMailTransport(config: Config, log: Logger, timeouts?: SmtpTimeouts): MailTransport {
  if (smtpConfigured(config)) return createSmtpTransport(config, timeouts);
  if (config.databaseUrl) {
    log.warn('no SMTP configured: notification emails are written to files under DATA_DIR/mail');
  }
  return createFileTransport(config, log);
}
