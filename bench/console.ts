/**
 * Bench section "console" (run by bench/run.ts when selected): the moderation console's queue page
 * with 50 pending comments, as a signed-in browser loads it. The page is a small HTML shell (GET /admin)
 * and one JSON call for the queue (50 pending comments with their reasons and parents); the script and
 * stylesheet are cached for ever (?v=<hash>), so these two requests are what each page view costs.
 */
import { buildConsole } from '../scripts/buildConsole';
import type { BenchApi } from './run';
import { WRITE_SITE } from './seed';

const QUEUE_PAGE = '/bench/console-queue';
const PENDING = 50;

export async function run(api: BenchApi): Promise<void> {
  if (!api.parleyUrl || !api.apiKey) return api.log('console: no running Parley; skipped');
  const base = api.parleyUrl;
  // The server serves dist/console (read when it changes); bench/run.ts builds only the server.
  await buildConsole();

  // Sign in as the console does (API key form); the session cookie is what the browser then sends.
  const signIn = await fetch(`${base}/admin/login/key`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: api.apiKey }).toString(),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  if (signIn.status !== 303 || !cookie.startsWith('parley_session=')) throw new Error(`console sign-in answered ${signIn.status}`);
  const headers = { Cookie: cookie };

  // 50 pending comments of their own on one page of the pre-moderated site, whatever other workloads left.
  const queuePath = `/api/v1/moderation/comments?status=pending&site=${WRITE_SITE}&page=${encodeURIComponent(QUEUE_PAGE)}&limit=${PENDING}`;
  const existing = (await (await fetch(`${base}${queuePath}`, { headers })).json()) as { comments: unknown[] };
  for (let i = existing.comments.length; i < PENDING; i++) {
    const res = await fetch(`${base}/api/v1/sites/${WRITE_SITE}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        page: QUEUE_PAGE,
        pageUrl: `https://news.example${QUEUE_PAGE}`,
        pageTitle: 'Console bench article',
        name: `Console Reader ${i}`,
        email: `console.reader.${i}@example.org`,
        body: `Comment ${i} waiting in the console's queue. The second paragraph of the article deserves a closer look at its figures.`,
      }),
    });
    if (res.status !== 201) throw new Error(`seeding the console queue: POST answered ${res.status}`);
  }
  const listed = (await (await fetch(`${base}${queuePath}`, { headers })).json()) as { comments: unknown[] };
  api.details.pending = listed.comments.length;

  const shell = await api.load({ url: `${base}/admin`, connections: api.connections, seconds: api.seconds, headers });
  api.record({ workload: 'console: queue page shell (GET /admin, signed in)', result: shell });
  const queue = await api.load({ url: `${base}${queuePath}`, connections: api.connections, seconds: api.seconds, headers });
  api.record({ workload: `console: queue data (${listed.comments.length} pending, session cookie)`, result: queue });
  // A page view is both requests, one after the other on each connection.
  const view = await api.load({
    url: base,
    connections: api.connections,
    seconds: api.seconds,
    headers,
    requests: [{ method: 'GET', path: '/admin' }, { method: 'GET', path: queuePath }],
  });
  api.record({ workload: 'console: queue page view (shell + data, alternating)', result: view, note: `${Math.round(view.rps / 2)} page views/s` });
  api.details.shell = shell;
  api.details.queue = queue;
  api.details.view = view;
  api.figure(
    'console queue page, 50 pending',
    `${Math.round(view.rps / 2)} page views/s (shell ${shell.rps} req/s p99 ${shell.p99} ms; data ${queue.rps} req/s p99 ${queue.p99} ms)`,
  );
}
