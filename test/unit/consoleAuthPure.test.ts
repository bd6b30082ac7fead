import { renderSignInPage, safeNextPath } from '../../src/console/authPages';
import { normaliseOrigin } from '../../src/sites/siteAdminSchemas';

/** The pure parts of console sign-in and site administration: where sign-in may return to, which origins a site may allow. */
test.each([
  ['/admin', '/admin'],
  ['/admin/comments/3f1c', '/admin/comments/3f1c'],
  ['/admin?site=demo&lang=fr', '/admin?site=demo&lang=fr'],
  ['/admin/sites/demo/origins#snippet', '/admin/sites/demo/origins#snippet'],
  ['/administrator', '/admin'],
  ['/api/v1/moderation/me', '/admin'],
  ['//evil.example/admin', '/admin'],
  ['/\\evil.example', '/admin'],
  ['https://evil.example/admin', '/admin'],
  ['/admin/\\\\evil', '/admin'],
  ['/admin x', '/admin'],
  [undefined, '/admin'],
  [['/admin/comments/1'], '/admin'],
  [`/admin/${'a'.repeat(600)}`, '/admin'],
])('safeNextPath(%j) is %j', (input, expected) => {
  expect(safeNextPath(input)).toBe(expected);
});

test.each([
  ['https://news.example', 'https://news.example'],
  ['https://News.Example/', 'https://news.example'],
  ['https://news.example:8443', 'https://news.example:8443'],
  ['https://news.example:443', 'https://news.example'],
  ['http://localhost:8080', 'http://localhost:8080'],
  ['http://127.0.0.1', 'http://127.0.0.1'],
  ['https://xn--caf-dma.example', 'https://xn--caf-dma.example'],
  ['http://news.example', null],
  ['http://10.0.0.5', null],
  ['https://news.example/path', null],
  ['https://news.example/?q', null],
  ['https://news.example#x', null],
  ['https://user@news.example', null],
  ['ftp://news.example', null],
  ['news.example', null],
  ['*', null],
  ['null', null],
  ['javascript:alert(1)', null],
])('normaliseOrigin(%j) is %j', (input, expected) => {
  expect(normaliseOrigin(input)).toBe(expected);
});

test('the sign-in page labels the key field "API key" in both languages and carries no script or inline style', () => {
  for (const lang of ['en', 'fr'] as const) {
    const html = renderSignInPage({ lang, next: '/admin/comments/1', error: 'This API key is not valid.', errorField: 'key' });
    expect(html).toContain('<label for="signin-key">API key</label>');
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('name="next" value="/admin/comments/1"');
  }
});
