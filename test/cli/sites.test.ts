import request from 'supertest';
import { parseSiteSettings } from '../../src/sites/siteSettings';
import { createTestApp, type TestApp } from '../helpers/testApp';
import { runCli } from './cliHarness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('parley site create', () => {
  test('creates a site with its origins and mode, usable by the public API at once', async () => {
    const run = await runCli(t.ctx, 'site', 'create', 'gazette', '--name', 'The Gazette',
      '--origin', 'https://gazette.example/some/article', '--origin', 'http://localhost:8080', '--mode', 'post');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('Created site "gazette" (The Gazette), post-moderated.');

    const site = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: 'gazette' } });
    expect(site.name).toBe('The Gazette');
    // A pasted page address is reduced to its origin.
    expect(site.allowedOrigins).toEqual(['https://gazette.example', 'http://localhost:8080']);
    expect(site.settings).toEqual({ mode: 'post' }); // only what was given; defaults stay defaults
    expect(parseSiteSettings(site.settings).maxLinks).toBe(2);

    const res = await request(t.app)
      .get('/api/v1/sites/gazette/comments?page=/a')
      .set('Origin', 'https://gazette.example');
    expect(res.status).toBe(200);
  });

  test('defaults to pre-moderation and warns when no origin is allowed yet', async () => {
    const run = await runCli(t.ctx, 'site', 'create', 'quiet', '--name', 'Quiet');
    expect(run.code).toBe(0);
    expect(run.out).toContain('pre-moderated');
    expect(run.out).toContain('No allowed origin yet');
  });

  test.each([
    [['site', 'create', 'Bad_Id', '--name', 'X'], 64, /not a valid site id/],
    [['site', 'create', 'nameless'], 64, /needs a name/],
    [['site', 'create', 'x1', '--name', 'X', '--mode', 'sometimes'], 1, /mode/],
    [['site', 'create', 'x2', '--name', 'X', '--origin', 'ftp://files.example'], 1, /not an http\(s\) origin/],
    [['site', 'create', 'x3', '--name', 'X', '--origin', 'not a url'], 1, /is not a URL/],
    [['site', 'create', 'x4', '--name', 'X', '--colour', 'red'], 64, /Unknown option '--colour'/],
    [['site', 'create'], 64, /Missing site id/],
    [['site', 'create', 'gazette', '--name', 'Again'], 1, /Site "gazette" already exists/],
    [['site', 'frobnicate'], 64, /Unknown site command "frobnicate"/],
  ])('refuses %j with exit code %i', async (argv, code, message) => {
    const before = await t.ctx.prisma.site.count();
    const run = await runCli(t.ctx, ...argv);
    expect(run.code).toBe(code);
    expect(run.err).toMatch(message);
    expect(run.out).toBe('');
    expect(await t.ctx.prisma.site.count()).toBe(before);
  });
});

describe('parley site list', () => {
  test('lists every site with mode, counts and origins', async () => {
    const run = await runCli(t.ctx, 'site', 'list');
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+MODE\s+MODERATORS\s+PAGES\s+COMMENTS\s+ORIGINS$/);
    expect(lines.find((l) => l.startsWith('gazette'))).toMatch(
      /^gazette\s+The Gazette\s+post\s+0\s+0\s+0\s+https:\/\/gazette\.example http:\/\/localhost:8080$/,
    );
    expect(lines.find((l) => l.startsWith('quiet'))).toMatch(/^quiet\s+Quiet\s+pre\s+0\s+0\s+0\s+-$/);
  });
});

describe('parley site update', () => {
  test('changes the name, replaces the origins and merges validated settings', async () => {
    const run = await runCli(t.ctx, 'site', 'update', 'gazette', '--name', 'The New Gazette',
      '--origin', 'https://new.gazette.example', '--settings', '{"maxLinks": 0, "holdWords": ["casino"]}');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Updated site "gazette"');
    const site = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: 'gazette' } });
    expect(site.name).toBe('The New Gazette');
    expect(site.allowedOrigins).toEqual(['https://new.gazette.example']);
    expect(site.settings).toEqual({ mode: 'post', maxLinks: 0, holdWords: ['casino'] });

    // The running app sees it at once (the CLI in-process clears this instance's site cache).
    const old = await request(t.app).get('/api/v1/sites/gazette/comments?page=/a').set('Origin', 'https://gazette.example');
    expect(old.status).toBe(403);
  });

  test('--mode on its own switches moderation mode', async () => {
    expect((await runCli(t.ctx, 'site', 'update', 'gazette', '--mode', 'pre')).code).toBe(0);
    const site = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: 'gazette' } });
    expect(parseSiteSettings(site.settings)).toMatchObject({ mode: 'pre', maxLinks: 0, holdWords: ['casino'] });
  });

  test.each([
    [['--settings', '{"maxLinks": -1}'], /maxLinks/],
    [['--settings', '{"noSuchSetting": true}'], /noSuchSetting|Unrecognized key/i],
    [['--settings', '{"maxLinks": '], /not valid JSON/],
    [['--settings', '[1, 2]'], /must be a JSON object/],
    [['--settings', '{"spamThreshold": 2}'], /spamThreshold/],
    [[], /Nothing to update/],
  ])('refuses invalid input %j and changes nothing', async (extra, message) => {
    const before = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: 'gazette' } });
    const run = await runCli(t.ctx, 'site', 'update', 'gazette', ...extra);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(message);
    expect(await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: 'gazette' } })).toEqual(before);
  });

  test('an unknown site is an error', async () => {
    const run = await runCli(t.ctx, 'site', 'update', 'nowhere', '--name', 'X');
    expect(run).toMatchObject({ code: 1, err: expect.stringContaining('No site "nowhere"') });
  });
});
