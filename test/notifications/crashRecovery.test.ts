import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, moderationLinksIn, postComment, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

/**
 * A worker process SIGKILLed between claiming a job and sending it: the job is sent after its lease
 * expires, by another worker, exactly once. Needs a Postgres server a second process can reach
 * (TEST_DATABASE_URL); the embedded test database serves a single connection.
 */
const serverDb = Boolean(process.env.TEST_DATABASE_URL);
const maybe = serverDb ? test : test.skip;

let t: TestApp;
let sink: SmtpSink;
let stall: net.Server;
const stalled: net.Socket[] = [];

beforeAll(async () => {
  t = await createTestApp({ realClock: true });
  sink = await startSmtpSink();
  // An "SMTP server" that accepts connections and never greets: the child stays inside its send.
  stall = net.createServer((socket) => stalled.push(socket));
  await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  stalled.forEach((s) => s.destroy());
  await new Promise((r) => stall.close(r));
  await sink.stop();
  await t.close();
});

maybe('a worker process killed between claim and send: the job is sent once after the lease expires', async () => {
  const site = await createHeldSite(t.ctx);
  const mod = await createModerator(t.ctx, { siteIds: [site] });
  const c = await postComment(t, site);

  // node itself runs the worker (tsx as a loader), so SIGKILL hits the worker and not a wrapper.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'workerProcess.ts')], {
    env: {
      ...process.env,
      PARLEY_TEST_DB_URL: process.env.TEST_DATABASE_URL,
      PARLEY_TEST_DB_SCHEMA: t.db.schema ?? '',
      PARLEY_TEST_SMTP_PORT: String((stall.address() as net.AddressInfo).port),
      PARLEY_TEST_WORKER_ID: 'doomed-process',
      PARLEY_TEST_SECRET: t.ctx.secretKey.toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    // The child fans out, claims the email job and hangs in the SMTP greeting.
    await waitUntil(
      async () =>
        stalled.length > 0 &&
        (await t.ctx.prisma.job.count({ where: { kind: 'send_moderator_email', status: 'running', lockedBy: 'doomed-process' } })) === 1,
      30_000,
      'child to claim the job',
    );
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  expect(sink.messages).toHaveLength(0);

  const survivor = fastWorker(t.ctx, smtpTransportTo(t.ctx, sink.port), { leaseMs: 1000 });
  try {
    await sink.waitFor(1, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(1);
    const claims = moderationLinksIn(t.ctx, sink.messages[0]);
    expect(claims[0]).toMatchObject({ commentId: c.id, moderatorId: mod.id });
    const job = await t.ctx.prisma.job.findFirstOrThrow({ where: { kind: 'send_moderator_email' } });
    expect(job).toMatchObject({ status: 'sent', attempts: 2 });
    expect(job.lastError).toContain('lease expired');
  } finally {
    await survivor.stop();
  }
}, 90_000);

if (!serverDb) {
  test('crash test needs TEST_DATABASE_URL (skipped on the embedded database)', () => {
    expect(serverDb).toBe(false);
  });
}
