import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CliIo } from '../../src/cli/cliIo';
import { reportError, runCommand } from '../../src/cli/main';
import { generateWxr } from '../../scripts/generateWxr';
import { createSite, createTestApp, type TestApp } from '../helpers/testApp';

/** What an operator sees while a long import or export runs, with and without a terminal. */
let t: TestApp;
let tmp: string;
let file: string;
beforeAll(async () => {
  t = await createTestApp();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-progress-'));
  file = path.join(tmp, 'generated.wxr');
  await pipeline(Readable.from(generateWxr(3000)), fs.createWriteStream(file));
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function run(isTTY: boolean, ...argv: string[]) {
  const out: string[] = [];
  const progress: string[] = [];
  // intervalMs 0: a plain line at every batch, so a short test sees several.
  const io: CliIo = { out: (l) => out.push(l), err: (l) => progress.push(`${l}\n`), progress: { isTTY, intervalMs: 0, write: (s) => progress.push(s) } };
  let code = 0;
  try {
    await runCommand(t.ctx, argv, io);
  } catch (err) {
    code = reportError(err, io);
  }
  return { code, out: out.join('\n'), progress: progress.join('') };
}

test('without a terminal, import progress is plain periodic lines: count, rate, share of the file, time left', async () => {
  const site = await createSite(t.ctx);
  const r = await run(false, 'import', site, '--format', 'wxr', file);
  expect(r.code).toBe(0);
  expect(r.progress).not.toContain('\r');
  const lines = r.progress.trim().split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) {
    expect(line).toMatch(/^Importing wxr: [\d,]+ comments · [\d,]+\/s · \d+% of [\d.]+ (MB|KB)( · about .+ left)? · .+ elapsed$/);
  }
  expect(lines[lines.length - 1]).toMatch(/^Importing wxr: 2,9\d\d comments/); // pingbacks are not counted
  expect(r.progress).not.toContain('@'); // never an email
  expect(r.out).toMatch(/^2,?9\d\d comment\(s\) imported/);
  const count = await t.ctx.prisma.comment.count({ where: { siteId: site } });
  expect(r.out).toContain(`${count} comment(s) imported`);
});

test('on a terminal, one line is redrawn in place with \\r and cleared at the end', async () => {
  const site = await createSite(t.ctx);
  const r = await run(true, 'import', site, '--format', 'wxr', file);
  expect(r.code).toBe(0);
  expect(r.progress.startsWith('\rImporting wxr: ')).toBe(true);
  expect(r.progress).not.toContain('\n');
  expect(r.progress.endsWith('\r')).toBe(true);

  // Export knows its total (the comments counted first): percent and time left too.
  const out = path.join(tmp, 'export.json');
  const e = await run(false, 'export', site, '--file', out);
  expect(e.code).toBe(0);
  expect(e.progress).toMatch(/^Exporting .+: [\d,]+ comments · [\d,]+\/s · \d+%/m);
});
