/**
 * Measures how long moderator notifications take to arrive after the mail server comes back.
 *
 *   npx tsx scripts/notificationRecovery.ts [--comments=50] [--moderators=2] [--outage-seconds=30]
 *
 * Starts the real service (embedded Postgres in a temporary DATA_DIR, or DATABASE_URL when set) with its
 * worker at production defaults, stops the SMTP server, posts the comments over HTTP, keeps SMTP down for
 * the outage, starts it again on the same port and times the arrivals. Checks every moderator got every
 * comment exactly once.
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config';
import { startServer } from '../src/server';

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}

const COMMENTS = arg('comments', 50);
const MODERATORS = arg('moderators', 2);
const OUTAGE_MS = arg('outage-seconds', 30) * 1000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const smtpPort = await freePort();
  const received: Array<{ at: number; mail: ParsedMail }> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream).then((mail) => {
        received.push({ at: Date.now(), mail });
        cb();
      }, cb);
    },
  });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-recovery-'));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_URL: '',
    WORKER_ENABLED: 'true',
    DEMO_SITE: 'false',
  });
  const service = await startServer(config);
  const { ctx, publicUrl } = service;
  const workerSettings = `poll ${config.workerPollMs} ms, outage re-check 0.5 s doubling to 5 s, 2 jobs at a time`;

  const siteId = `recovery-${Date.now().toString(36)}`;
  await ctx.prisma.site.create({
    data: {
      id: siteId,
      name: 'Recovery check',
      allowedOrigins: ['https://news.example'],
      settings: { mode: 'pre', minSubmitSeconds: 0, rateLimit: { perIp: { max: 100000, windowSeconds: 60 }, perEmail: { max: 100000, windowSeconds: 60 } } },
    },
  });
  const moderators = [];
  for (let i = 0; i < MODERATORS; i++) {
    const m = await ctx.prisma.moderator.create({ data: { name: `Moderator ${i + 1}`, email: `mod${i + 1}@recovery.example` } });
    await ctx.prisma.siteModerator.create({ data: { siteId, moderatorId: m.id } });
    moderators.push(m);
  }

  // SMTP is down (never started yet) while the comments arrive.
  const commentIds: string[] = [];
  for (let i = 0; i < COMMENTS; i++) {
    const res = await fetch(`${publicUrl}/api/v1/sites/${siteId}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        page: '/recovery', pageUrl: 'https://news.example/recovery', pageTitle: 'Recovery',
        name: `Reader ${i}`, email: `reader${i}@readers.example`, body: `Comment number ${i} during the outage.`,
      }),
    });
    if (res.status !== 201) throw new Error(`comment ${i}: HTTP ${res.status} ${await res.text()}`);
    commentIds.push(((await res.json()) as { comment: { id: string } }).comment.id);
  }
  process.stdout.write(`posted ${COMMENTS} comments with SMTP down; keeping it down ${OUTAGE_MS / 1000} s\n`);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  const before = await ctx.prisma.job.groupBy({ by: ['status'], where: { kind: 'send_moderator_email' }, _count: true });
  process.stdout.write(`email jobs before recovery: ${before.map((b) => `${b.status}=${b._count}`).join(', ')}\n`);

  const upAt = Date.now();
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
  const expected = COMMENTS * MODERATORS;
  while (received.length < expected && Date.now() - upAt < 120_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 3000)); // room for duplicates to show up

  const pairs = new Map<string, number>();
  for (const { mail } of received) {
    const to = (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address ?? '?';
    const id = /Comment number (\d+) during/.exec(String(mail.text))?.[1] ?? String(mail.subject);
    const key = `${to} ${id}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const duplicates = [...pairs.values()].filter((n) => n > 1).length;
  const first = received.length ? received[0].at - upAt : NaN;
  const last = received.length ? received[received.length - 1].at - upAt : NaN;
  const byMod = moderators.map((m) => received.filter(({ mail }) => String((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).includes(m.email)).length);

  process.stdout.write(
    [
      `database: ${config.databaseUrl ? 'server' : 'embedded'}; worker: ${workerSettings}`,
      `received ${received.length}/${expected} emails (per moderator: ${byMod.join(', ')}), duplicates: ${duplicates}`,
      `delay after SMTP came back: first email ${first} ms, last email ${last} ms`,
      '',
    ].join('\n'),
  );
  await service.stop();
  await new Promise<void>((r) => smtp.close(() => r()));
  process.exit(received.length === expected && duplicates === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
