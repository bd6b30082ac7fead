import { jobsCommand } from '../../src/cli/jobsCommand';
import { enqueueJob, jobCounts } from '../../src/notifications/queue';
import { createTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function io() {
  const lines: string[] = [];
  return { lines, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
}

test('counts, lists with attempts and scrubbed errors, and requeues dead jobs', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await enqueueJob(t.ctx.prisma, 'send_approved_notification', { siteId: 's', commentId: `00000000-0000-4000-8000-00000000000${i}` }))!);
  }
  await t.ctx.prisma.job.update({
    where: { id: BigInt(ids[0]) },
    data: { status: 'dead', attempts: 3, lastError: 'EENVELOPE 550 5.1.1 <[email]> no such user', finishedAt: new Date() },
  });

  const counts = io();
  await jobsCommand(t.ctx, ['counts'], counts);
  expect(counts.lines.join('\n')).toMatch(/queued\s+2/);
  expect(counts.lines.join('\n')).toMatch(/dead\s+1/);

  const list = io();
  await jobsCommand(t.ctx, ['list', '--status=dead'], list);
  expect(list.lines).toHaveLength(2);
  expect(list.lines[1]).toContain(ids[0]);
  expect(list.lines[1]).toContain('3/');
  expect(list.lines[1]).toContain('550 5.1.1 <[email]>');

  const retry = io();
  await jobsCommand(t.ctx, ['retry', ids[0]], retry);
  expect(retry.lines[0]).toBe(`Requeued job ${ids[0]}.`);
  expect(await jobCounts(t.ctx)).toMatchObject({ dead: 0, retrying: 1, queued: 2 });

  await expect(jobsCommand(t.ctx, ['list', '--status=nope'], io())).rejects.toThrow(/Unknown status/);
  await expect(jobsCommand(t.ctx, ['frobnicate'], io())).rejects.toThrow(/Unknown jobs command/);
});

test('job counts are exported for /metrics', async () => {
  const { Registry } = await import('prom-client');
  const { registerJobMetrics } = await import('../../src/notifications/jobMetrics');
  const registry = new Registry();
  registerJobMetrics(registry, t.ctx);
  const text = await registry.metrics();
  expect(text).toMatch(/parley_jobs\{status="queued"\} \d+/);
  expect(text).toMatch(/parley_jobs\{status="dead"\} \d+/);
});
