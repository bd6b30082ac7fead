import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { createFileTransport } from '../../src/notifications/mailTransport';
import { startWorker } from '../../src/notifications/worker';
import { createTestApp, type TestApp } from '../helpers/testApp';

/** A test app whose mail goes to .eml files in its own DATA_DIR/mail, the outbox an erasure must clean. */
export async function createPrivacyApp(env: Record<string, string> = {}): Promise<TestApp & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-privacy-'));
  const t = await createTestApp({ env: { DATA_DIR: dataDir, ...env } });
  return Object.assign(t, { dataDir });
}

/** Runs the worker until no job is due or running. */
export async function drainJobs(t: TestApp): Promise<void> {
  const worker = startWorker(t.ctx, { transport: createFileTransport(t.ctx.config, pino({ level: 'silent' })), pollMs: 20, stopTimeoutMs: 5000 });
  try {
    const until = Date.now() + 20_000;
    for (;;) {
      const [row] = await t.ctx.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "Job" WHERE "status" IN ('queued', 'running') OR ("status" = 'retrying' AND "runAt" <= timezone('UTC', now()))`,
      );
      if (Number(row.n) === 0) break;
      if (Date.now() > until) throw new Error('jobs did not drain');
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    await worker.stop();
  }
}

export function outboxFiles(dataDir: string): string[] {
  try {
    return readdirSync(path.join(dataDir, 'mail')).filter((f) => f.endsWith('.eml')).map((f) => path.join(dataDir, 'mail', f));
  } catch {
    return [];
  }
}

export async function outboxMails(dataDir: string): Promise<ParsedMail[]> {
  return Promise.all(outboxFiles(dataDir).sort().map((f) => simpleParser(readFileSync(f))));
}

export function mailsTo(mails: ParsedMail[], address: string): ParsedMail[] {
  const want = address.toLowerCase();
  const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
  return mails.filter((m) => to(m).includes(want));
}

/** Every row of every table in this database, as text (each column of each row: text, json, arrays, all). */
export async function dumpDatabase(t: TestApp): Promise<string> {
  const tables = await t.ctx.prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await t.ctx.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${name.replace(/"/g, '""')}" t`);
    parts.push(`== ${name}\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

let inserted = 0;
/** A stored comment, written straight to the database (for tests about what happens to stored data). */
export async function insertComment(
  t: TestApp,
  c: { siteId: string; page?: string; pageUrl?: string; pageTitle?: string; email: string; name?: string; body?: string; status?: 'pending' | 'approved'; createdAt?: Date; ip?: string; userAgent?: string },
) {
  const n = ++inserted;
  const key = c.page ?? '/stored-page';
  const page = await t.ctx.prisma.page.upsert({
    where: { siteId_key: { siteId: c.siteId, key } },
    create: { siteId: c.siteId, key, url: c.pageUrl ?? `https://news.example${key}`, title: c.pageTitle ?? 'A stored page' },
    update: {},
  });
  const status = c.status ?? 'approved';
  const row = await t.ctx.prisma.comment.create({
    data: {
      siteId: c.siteId, pageId: page.id, name: c.name ?? `Reader ${n}`, email: c.email, body: c.body ?? `Stored comment ${n}.`,
      status, ip: c.ip ?? '203.0.113.7', userAgent: c.userAgent ?? 'StoredBrowser/1', ownerTokenHash: `hash-${n}-${Date.now()}`,
      fingerprint: `fp-${n}-${Date.now()}`, createdAt: c.createdAt ?? t.ctx.now(), updatedAt: c.createdAt ?? t.ctx.now(),
    },
  });
  if (status === 'approved') await t.ctx.prisma.page.update({ where: { id: page.id }, data: { approvedCount: { increment: 1 }, version: { increment: 1 } } });
  return row;
}
