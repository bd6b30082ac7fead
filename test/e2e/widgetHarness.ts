import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildWidget } from '../../scripts/buildWidget';
import type { SiteSettings } from '../../src/sites/siteSettings';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * End-to-end harness for the widget: the real app on a random port (test database), a second
 * server on another port playing the news site that embeds the widget (so every call is
 * cross-origin, as in production), and Debian's headless Chromium driven by playwright-core.
 */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

/** Browser tests are skipped, with a message, where Chromium is missing, unless REQUIRE_BROWSER is set (CI). */
export const describeBrowser: jest.Describe = (() => {
  if (existsSync(CHROMIUM) || process.env.REQUIRE_BROWSER) return describe;
  console.warn(`Skipping browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);
  return describe.skip;
})();

export interface WidgetHarness {
  t: TestApp;
  /** http://127.0.0.1:PORT of the Parley service. */
  service: string;
  /** http://127.0.0.1:PORT of the host ("news") site. */
  hostOrigin: string;
  browser: Browser;
  /** Creates a site open to the host origin and the service's own origin. */
  site(settings?: Partial<SiteSettings>, id?: string): Promise<string>;
  /** Serves `html` on the host site and returns its URL. */
  hostPage(html: string): string;
  /** A host page with the embed snippet (plus optional attributes, head and body extras). */
  snippetPage(opts: { site: string; page: string; lang?: string; htmlLang?: string; head?: string; attrs?: string }): string;
  newPage(opts?: { colorScheme?: 'light' | 'dark'; context?: BrowserContext }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  /** Posts through the public API (no Origin header, as a server would) and returns the 201 body. */
  post(site: string, body: Record<string, unknown>): Promise<{ comment: { id: string; status: string }; ownerToken: string }>;
  approve(id: string): Promise<void>;
  close(): Promise<void>;
}

const hostPages = new Map<string, string>();
let pageCounter = 0;
let commentCounter = 0;

export async function startWidgetHarness(): Promise<WidgetHarness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildWidget();
  const t = await createTestApp({ realClock: true });
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const service = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const host = http.createServer((req, res) => {
    const html = hostPages.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const modKeys = new Map<string, string>();
  const relaxed = { perIp: { max: 10_000, windowSeconds: 60 }, perEmail: { max: 10_000, windowSeconds: 60 } };

  const harness: WidgetHarness = {
    t,
    service,
    hostOrigin,
    browser,
    async site(settings = {}, id) {
      const siteId = await createSite(t.ctx, {
        id,
        settings: { mode: 'pre', rateLimit: relaxed, ...settings },
        allowedOrigins: [hostOrigin, service],
      });
      modKeys.set(siteId, (await createModerator(t.ctx, { siteIds: [siteId] })).apiKey);
      return siteId;
    },
    hostPage(html) {
      const url = `/host/${++pageCounter}`;
      hostPages.set(url, html);
      return `${hostOrigin}${url}`;
    },
    snippetPage({ site, page, lang, htmlLang = 'en', head = '', attrs = '' }) {
      return harness.hostPage(`<!doctype html><html lang="${htmlLang}"><head><meta charset="utf-8"><title>Host article</title>${head}</head>
<body><main><h1>Host article</h1><p>Article text on the host site.</p>
<div id="parley" data-site="${site}" data-page="${page}"${lang ? ` data-lang="${lang}"` : ''} ${attrs}></div>
<script src="${service}/widget.js" async></script></main></body></html>`);
    },
    async newPage(opts = {}) {
      const context = opts.context ?? (await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: { width: 900, height: 900 } }));
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('console', (msg) => {
        if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
      });
      return { context, page, problems };
    },
    async post(site, body) {
      const n = ++commentCounter;
      const res = await fetch(`${service}/api/v1/sites/${site}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Api Author', email: `api${n}@example.org`, body: `Seed comment ${n}.`, ...body }),
      });
      const json = await res.json();
      if (res.status !== 201) throw new Error(`post failed ${res.status}: ${JSON.stringify(json)}`);
      return json;
    },
    async approve(id) {
      const comment = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id }, select: { siteId: true } });
      const res = await fetch(`${service}/api/v1/moderation/comments/${id}/approve`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${modKeys.get(comment.siteId)}` },
      });
      if (res.status !== 200) throw new Error(`approve failed ${res.status}: ${await res.text()}`);
    },
    async close() {
      await browser.close().catch(() => {});
      await new Promise((r) => host.close(r));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
  return harness;
}
