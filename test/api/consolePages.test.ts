import request from 'supertest';
import { buildConsole } from '../../scripts/buildConsole';
import { signInWithKey } from '../helpers/consoleSession';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/** The console's pages as the server sends them: sign-in when signed out, shells, the 403 page, the two built files. */
describe('console pages', () => {
  let t: TestApp;
  let site: string;
  let otherSite: string;
  let admin: { apiKey: string; id: string };
  let mod: { apiKey: string };
  beforeAll(async () => {
    await buildConsole();
    t = await createTestApp();
    site = await createSite(t.ctx);
    otherSite = await createSite(t.ctx);
    admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin', name: 'Ann <script>alert(1)</script> "Admin"' });
    mod = await createModerator(t.ctx, { siteIds: [site] });
  });
  afterAll(() => t.close());

  test('signed out, every console page shows the sign-in page, which returns there after signing in', async () => {
    for (const path of ['/admin', '/admin/comments/6f1c1ac0-0000-4000-8000-000000000000', `/admin/sites/${site}/settings`]) {
      const res = await request(t.app).get(path).expect(200);
      expect(res.text).toContain('API key');
      expect(res.text).toContain(`name="next" value="${path}"`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).not.toContain('console.js');
    }
  });

  test('signed in, /admin is a shell with the CSRF token, the moderator and their sites, under a strict CSP', async () => {
    const s = await signInWithKey(t.app, admin.apiKey);
    const res = await request(t.app).get('/admin').set('Cookie', s.cookie).expect(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'.*style-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain(`data-csrf="${s.csrfToken}"`);
    expect(res.text).toContain('data-page="queue"');
    expect(res.text).toMatch(/<script src="\/admin\/console\.js\?v=[0-9a-f]{16}" defer><\/script>/);
    expect(res.text).not.toMatch(/<script>|<style|style=/);
    // The hostile name only ever appears escaped.
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('Ann &lt;script&gt;alert(1)&lt;/script&gt; \\&quot;Admin\\&quot;');
    expect(res.text).toContain(`{&quot;id&quot;:&quot;${site}&quot;,&quot;name&quot;:&quot;Site ${site}&quot;,&quot;role&quot;:&quot;admin&quot;}`);
    // No email anywhere in the page.
    expect(res.text).not.toMatch(/@moderators\.example/);
  });

  test('the script and stylesheet are served, cached for ever under their hash', async () => {
    const s = await signInWithKey(t.app, admin.apiKey);
    const page = await request(t.app).get('/admin').set('Cookie', s.cookie);
    const js = /console\.js\?v=([0-9a-f]{16})/.exec(page.text)![1];
    const css = /console\.css\?v=([0-9a-f]{16})/.exec(page.text)![1];
    const script = await request(t.app).get(`/admin/console.js?v=${js}`).expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    const style = await request(t.app).get(`/admin/console.css?v=${css}`).expect(200);
    expect(style.headers['content-type']).toMatch(/text\/css/);
    expect((await request(t.app).get('/admin/console.css')).headers['cache-control']).not.toContain('immutable');
  });

  test('site pages: admins get the shell, a moderator of the site or a stranger to it gets the 403 page', async () => {
    const a = await signInWithKey(t.app, admin.apiKey);
    const m = await signInWithKey(t.app, mod.apiKey, '203.0.113.11');
    for (const section of ['settings', 'origins', 'bans', 'moderators', 'notifications', 'spam']) {
      const ok = await request(t.app).get(`/admin/sites/${site}/${section}`).set('Cookie', a.cookie).expect(200);
      expect(ok.text).toContain(`data-page="${section}"`);
      expect(ok.text).toContain(`data-site="${site}"`);
      const no = await request(t.app).get(`/admin/sites/${site}/${section}`).set('Cookie', m.cookie).expect(403);
      expect(no.text).toContain('Only an admin of this site may open this page.');
    }
    await request(t.app).get(`/admin/sites/${otherSite}/settings`).set('Cookie', a.cookie).expect(403);
    await request(t.app).get(`/admin/sites/${site}/nonsense`).set('Cookie', a.cookie).expect(404);
    await request(t.app).get(`/admin/sites/${site}`).set('Cookie', a.cookie).expect(302).expect('Location', `/admin/sites/${site}/settings`);
  });

  test('the comment page names its comment; French by ?lang, by the console cookie, or by the browser', async () => {
    const s = await signInWithKey(t.app, admin.apiKey);
    const id = '6f1c1ac0-0000-4000-8000-000000000000';
    const res = await request(t.app).get(`/admin/comments/${id}`).set('Cookie', s.cookie).expect(200);
    expect(res.text).toContain(`data-comment="${id}"`);
    expect((await request(t.app).get('/admin?lang=fr').set('Cookie', s.cookie)).text).toContain('<html lang="fr">');
    expect((await request(t.app).get('/admin').set('Cookie', `${s.cookie}; parley_console_lang=fr`)).text).toContain('File de modération');
    expect((await request(t.app).get('/admin').set('Cookie', s.cookie).set('Accept-Language', 'fr-CA,fr;q=0.9')).text).toContain('data-lang="fr"');
    expect((await request(t.app).get('/admin').set('Cookie', s.cookie).set('Accept-Language', 'de')).text).toContain('data-lang="en"');
  });
});
