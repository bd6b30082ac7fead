import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { scrubEmails } from './scrub';

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

export function createSmtpTransport(
  config: Config,
  timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS,
): MailTransport {
  const s = config.smtp;
  const options = {
    ...(s.url ? { url: s.url } : { host: s.host, port: s.port, secure: s.secure ?? s.port === 465 }),
    ...(s.user ? { auth: { user: s.user, pass: s.pass ?? '' } } : {}),
    pool: true,
    maxConnections: 2,
    ...timeouts,
  };
  const transporter = nodemailer.createTransport(options as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail(message(config.mailFrom, mail));
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
