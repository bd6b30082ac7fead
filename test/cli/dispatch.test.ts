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

test('jobs is handed to the notification queue command, with the same output and exit codes', async () => {
  const run = await runCli(t.ctx, 'jobs', 'counts');
  expect(run.code).toBe(0);
  expect(run.out).toMatch(/^queued\s+\d+$/m);
  expect(run.out).toMatch(/^dead\s+\d+$/m);

  const bad = await runCli(t.ctx, 'jobs', 'explode');
  expect(bad.code).toBe(64);
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
