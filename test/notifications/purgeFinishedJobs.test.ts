import { purgeFinishedJobs } from '../../src/notifications/queue';
import { createTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY = 24 * 3600_000;

test('sent jobs older than the window are deleted; recent ones, and unfinished or dead ones of any age, stay', async () => {
  const ago = (days: number) => new Date(Date.now() - days * DAY);
  const job = (status: 'sent' | 'dead' | 'queued', days: number | null, finishedDays: number | null) =>
    t.ctx.prisma.job.create({
      data: {
        kind: 'notify_new_comment', payload: { siteId: 's', commentId: 'c' }, status,
        runAt: days === null ? new Date() : ago(days), createdAt: days === null ? new Date() : ago(days),
        finishedAt: finishedDays === null ? null : ago(finishedDays),
      },
    });
  const old = await job('sent', 20, 20);
  // Due long ago, retried, and finished only recently: still inside the window.
  const lateFinish = await job('sent', 20, 1);
  const recent = await job('sent', 2, 2);
  const dead = await job('dead', 20, 20);
  const waiting = await job('queued', 20, null);

  expect(await purgeFinishedJobs(t.ctx.prisma, 14 * DAY)).toBe(1);
  const left = (await t.ctx.prisma.job.findMany({ select: { id: true } })).map((j) => j.id);
  expect(left).not.toContain(old.id);
  expect(left).toEqual(expect.arrayContaining([lateFinish.id, recent.id, dead.id, waiting.id]));
});
