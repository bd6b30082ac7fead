import request from 'supertest';
import { commentInput, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * A name or website carrying control characters (a CR/LF header-injection attempt, a NUL, DEL, a C1 control)
 * is refused with a field error and nothing is stored; bidi overrides are dropped, as bodies drop them.
 */
let t: TestApp;
let site: string;
beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx);
});
afterAll(() => t.close());

const post = (overrides: Record<string, unknown>) =>
  request(t.app).post(`/api/v1/sites/${site}/comments`).set('Origin', TEST_ORIGIN).send(commentInput({ page: '/controls', ...overrides }));

test.each([
  ['a CR/LF header injection in the name', 'name', 'Bob\r\nBcc: victim@example.com'],
  ['a line feed in the name', 'name', 'Bob\nSmith'],
  ['a tab in the name', 'name', 'Bob\tSmith'],
  ['a bell in the name', 'name', 'Bob\u0007'],
  ['DEL in the name', 'name', 'Bob\u007F'],
  ['a C1 control (NEL) in the name', 'name', 'Bob\u0085Smith'],
  ['a CR/LF in the website', 'website', 'https://example.org/\r\nSet-Cookie: x=1'],
  ['an escape in the website', 'website', 'https://exa\u001Bmple.org/'],
])('%s is refused with a field error', async (_label, field, value) => {
  const res = await post({ [field]: value }).expect(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(Object.keys(res.body.error.fields)).toEqual([field]);
  expect(res.body.error.fields[field]).toMatch(/control characters/);
  expect(await t.ctx.prisma.comment.count({ where: { siteId: site } })).toBe(0);
});

test('bidi overrides are dropped from the name; ordinary accents and right-to-left letters stay', async () => {
  const res = await post({ name: 'Zoë \u202Eevil\u202C دانا' }).expect(201);
  expect(res.body.comment.name).toBe('Zoë evil دانا');
  const stored = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
  expect(stored.name).toBe('Zoë evil دانا');
});

test('a trailing newline is only whitespace, trimmed as before', async () => {
  const res = await post({ name: 'Trailing Newline\n' }).expect(201);
  expect(res.body.comment.name).toBe('Trailing Newline');
});
