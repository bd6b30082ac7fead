import type { JobOutcome, JobRun } from '../notifications/jobHandlers';
import { PermanentJobError } from '../notifications/jobHandlers';
import { jobKinds } from '../notifications/jobKinds';
import { jobMessageId } from '../notifications/links';
import type { OutgoingMail } from '../notifications/mailTransport';
import type { RenderedEmail } from '../notifications/templates/html';
import { exportReaderData } from './exportReaderData';
import { renderPrivacyErasedEmail, renderPrivacyExportEmail, renderPrivacyLinkEmail } from './privacyEmails';
import { signPrivacyToken } from './privacyLinks';
import type { PrivacyKind } from './readerAddress';

/**
 * The data-rights emails. Payloads carry the request id only; the address is read from the request row
 * when the job runs, and the row is deleted once its last email is out.
 */
const DONE: JobOutcome = { type: 'done' };

function requestIdOf(run: JobRun, kind: 'send_privacy_link' | 'send_privacy_export' | 'send_privacy_erased'): string {
  const parsed = jobKinds[kind].payload.safeParse(run.job.payload);
  if (!parsed.success) throw new PermanentJobError(`invalid payload for ${kind}`);
  return parsed.data.requestId;
}

async function loadRequest(run: JobRun, id: string) {
  const row = await run.ctx.prisma.privacyRequest.findUnique({ where: { id } });
  if (!row) return null;
  const site = await run.ctx.prisma.site.findUnique({ where: { id: row.siteId }, select: { name: true } });
  return { ...row, kind: row.kind as PrivacyKind, siteName: site?.name ?? row.siteId };
}

function mailTo(run: JobRun, address: string, email: RenderedEmail, extra: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    to: { name: '', address },
    ...email,
    messageId: jobMessageId(run.ctx, run.job.id),
    headers: { 'X-Parley-Job': run.job.id },
    ...extra,
  };
}

/** The confirmation link, only to an address that has comments on the site (others get nothing, and the row goes). */
export async function sendPrivacyLink(run: JobRun): Promise<JobOutcome> {
  const { ctx } = run;
  const req = await loadRequest(run, requestIdOf(run, 'send_privacy_link'));
  if (!req || req.confirmedAt || req.expiresAt <= ctx.now()) return DONE;
  const [held] = await ctx.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Comment" WHERE "siteId" = $1 AND lower(btrim("email")) = $2`,
    req.siteId, req.email,
  );
  if (!held || Number(held.n) === 0) {
    await ctx.prisma.privacyRequest.deleteMany({ where: { id: req.id } });
    return DONE;
  }
  const url = `${ctx.publicUrl}/privacy/confirm/${signPrivacyToken(ctx.secretKey, { requestId: req.id, kind: req.kind, expires: req.expiresAt })}`;
  // The link goes to the file-outbox log like the other one-click links (it names no address).
  await run.transport.send(mailTo(run, req.email, renderPrivacyLinkEmail({ siteName: req.siteName, kind: req.kind, url }), { links: { confirm: url } }));
  return DONE;
}

export async function sendPrivacyExport(run: JobRun): Promise<JobOutcome> {
  const { ctx } = run;
  const req = await loadRequest(run, requestIdOf(run, 'send_privacy_export'));
  if (!req || !req.confirmedAt) return DONE;
  const data = await exportReaderData(ctx, { email: req.email, siteIds: [req.siteId] });
  const email = renderPrivacyExportEmail({ siteName: req.siteName, comments: data.comments.length });
  await run.transport.send(
    mailTo(run, req.email, email, {
      attachments: [{ filename: `comments-${req.siteId}.json`, content: JSON.stringify(data, null, 2), contentType: 'application/json' }],
    }),
  );
  await ctx.prisma.privacyRequest.deleteMany({ where: { id: req.id } });
  return DONE;
}

export async function sendPrivacyErased(run: JobRun): Promise<JobOutcome> {
  const { ctx } = run;
  const req = await loadRequest(run, requestIdOf(run, 'send_privacy_erased'));
  if (!req) return DONE;
  await run.transport.send(mailTo(run, req.email, renderPrivacyErasedEmail({ siteName: req.siteName })));
  await ctx.prisma.privacyRequest.deleteMany({ where: { id: req.id } });
  return DONE;
}
