import { createTestApp, type TestApp } from '../helpers/testApp';
import { runCli } from './cliHarness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

test('migrate on an up-to-date database says so', async () => {
  const run = await runCli(t.ctx, 'migrate');
  expect(run.code).toBe(0);
  expect(run.out).toMatch(/^Database is up to date \(\d+ migration\(s\) applied earlier\)\.$/);
  expect((await runCli(t.ctx, 'migrate', '--now')).code).toBe(64);
});

test('jobs is handed to the notification queue command', async () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const run = await runCli(t.ctx, 'jobs', 'counts');
    expect(run.code).toBe(0);
  } finally {
    spy.mockRestore();
  }
  expect(written.join('')).toMatch(/^queued\s+\d+$/m);
  expect(written.join('')).toMatch(/^dead\s+\d+$/m);

  const bad = await runCli(t.ctx, 'jobs', 'explode');
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/Unknown jobs command "explode"/);
});

test.each([
  [['help'], 0, /^Parley administration\./],
  [['help', 'moderator'], 0, /parley moderator create --name/],
  [['help', 'export'], 0, /parley export <site>/],
  [['site'], 0, /parley site create <id>/],
  [['moderator', '--help'], 0, /parley moderator list \[--show-emails\]/],
])('%j prints help', async (argv, code, text) => {
  const run = await runCli(t.ctx, ...argv);
  expect(run.code).toBe(code);
  expect(run.out).toMatch(text);
});

test('an unknown command shows the usage and exits 64', async () => {
  const run = await runCli(t.ctx, 'drop-everything');
  expect(run.code).toBe(64);
  expect(run.err).toMatch(/Unknown command "drop-everything"[\s\S]*Usage: parley <command>/);
});
