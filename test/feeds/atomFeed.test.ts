import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { createSite, type TestApp } from '../helpers/testApp';
import { createPrivacyApp, insertComment } from '../privacy/privacyHarness';

/** Atom feeds per site and per page: valid structure, only approved comments, ETag and 304, never an email. */
let t: TestApp;
let site: string;
const EMAILS = ['Feed.Reader@Example.org', 'second.reader@example.net', 'held.reader@example.com'];

beforeAll(async () => {
  t = await createPrivacyApp();
  site = await createSite(t.ctx);
  const base = Date.now() - 3600_000;
  await insertComment(t, { siteId: site, page: '/a', pageTitle: 'Article A & <friends>', email: EMAILS[0], name: 'Ana <b>bold</b>', body: 'First **words** & <script>alert(1)</script>', createdAt: new Date(base) });
  await insertComment(t, { siteId: site, page: '/b', email: EMAILS[1], name: 'Bo', body: 'Second comment', createdAt: new Date(base + 1000) });
  await insertComment(t, { siteId: site, page: '/a', email: EMAILS[2], name: 'Held', body: 'Not approved yet', status: 'pending', createdAt: new Date(base + 2000) });
});
afterAll(() => t.close());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link', 'author'].includes(name) });

function parseFeed(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).feed;
}

function assertNoEmail(text: string) {
  for (const e of EMAILS) {
    expect(text.toLowerCase()).not.toContain(e.toLowerCase());
  }
  expect(text).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
}

test('the site feed: valid Atom 1.0 with the approved comments, newest first, and no email', async () => {
  const res = await request(t.app).get(`/feeds/${site}.atom`).expect(200);
  expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
  expect(res.headers.etag).toBeTruthy();
  assertNoEmail(res.text);
  const feed = parseFeed(res.text);
  expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.id).toBe(`http://parley.test/feeds/${site}.atom`);
  expect(feed.title['#text']).toContain(`Site ${site}`);
  expect(new Date(feed.updated).toISOString()).toBe(feed.updated);
  expect(feed.author[0].name).toBe(`Site ${site}`);
  expect(feed.link.find((l: Record<string, string>) => l['@rel'] === 'self')['@href']).toBe(feed.id);
  expect(feed.entry).toHaveLength(2);
  const [newest, oldest] = feed.entry;
  expect(newest.author).toEqual([{ name: 'Bo' }]);
  expect(oldest.author).toEqual([{ name: 'Ana <b>bold</b>' }]);
  for (const e of feed.entry) {
    expect(e.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(new Date(e.updated).toISOString()).toBe(e.updated);
    expect(e.content['@type']).toBe('html');
    expect(e.link[0]['@href']).toMatch(/^https:\/\/news\.example\/[ab]#parley-/);
    expect(Object.keys(e.author[0])).toEqual(['name']);
  }
  // The comment's HTML is escaped inside the XML, and already sanitized: the script tag is text, never markup.
  expect(oldest.content['#text']).toContain('<strong>words</strong>');
  expect(oldest.content['#text']).not.toContain('<script>');
  expect(oldest.title['#text']).toBe('Ana <b>bold</b> on Article A & <friends>');
});

test('a page feed lists that thread only; an unknown page is an empty, valid feed', async () => {
  const res = await request(t.app).get(`/feeds/${site}.atom?page=/a`).expect(200);
  assertNoEmail(res.text);
  const feed = parseFeed(res.text);
  expect(feed.id).toBe(`http://parley.test/feeds/${site}.atom?page=%2Fa`);
  expect(feed.entry).toHaveLength(1);
  expect(feed.link.find((l: Record<string, string>) => l['@rel'] === 'alternate')['@href']).toBe('https://news.example/a');
  const empty = parseFeed((await request(t.app).get(`/feeds/${site}.atom?page=/nothing-here`).expect(200)).text);
  expect(empty.entry).toBeUndefined();
  expect(empty.author[0].name).toBe(`Site ${site}`);
});

test('ETag and 304; unknown site 404; bad page 400', async () => {
  const first = await request(t.app).get(`/feeds/${site}.atom`).expect(200);
  expect(first.headers['cache-control']).toMatch(/public/);
  await request(t.app).get(`/feeds/${site}.atom`).set('If-None-Match', first.headers.etag).expect(304);
  await request(t.app).get('/feeds/no-such-site.atom').expect(404);
  await request(t.app).get(`/feeds/${site}.rss`).expect(404);
  await request(t.app).get(`/feeds/${site}.atom?page=${'x'.repeat(600)}`).expect(400);
});
