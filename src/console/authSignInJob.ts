import crypto from 'node:crypto';
import type { AppContext } from '../context';
import type { JobOutcome, JobRun } from '../notifications/jobHandlers';
import { PermanentJobError } from '../notifications/jobHandlers';
import { jobKinds } from '../notifications/jobKinds';
import { jobMessageId } from '../notifications/links';
import { renderSignInEmail } from '../notifications/templates/signInEmail';
import { hashLoginToken, LOGIN_LINK_MINUTES, signInAddressKey } from './authLoginLinks';
import { safeNextPath } from './authPages';

/**
 * The job: find the moderator (by id, or by the address's HMAC among active moderators: they are few),
 * store the link and send it. The token is derived from the job id, so a retried send stores and mails
 * the same link instead of scattering several valid ones.
 */
export async function sendSignInLink(run: JobRun): Promise<JobOutcome> {
  const { ctx, job } = run;
  const parsed = jobKinds.send_sign_in_link.payload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError('invalid payload for send_sign_in_link');
  const p = parsed.data;
  const moderator = p.moderatorId
    ? await ctx.prisma.moderator.findFirst({ where: { id: p.moderatorId, revokedAt: null }, select: { id: true, name: true, email: true } })
    : await findModeratorByAddressKey(ctx, p.addressKey ?? '');
  if (!moderator) return { type: 'done' }; // unknown address: nothing to send, and nothing said about it
  const invitedTo = p.siteId && p.moderatorId
    ? await ctx.prisma.siteModerator.findUnique({
        where: { siteId_moderatorId: { siteId: p.siteId, moderatorId: moderator.id } },
        select: { role: true, site: { select: { name: true } } },
      })
    : null;

  const token = crypto.createHmac('sha256', ctx.secretKey).update(`console-login-link:${job.id}`).digest('base64url');
  const expiresAt = new Date(ctx.now().getTime() + LOGIN_LINK_MINUTES * 60_000);
  await ctx.prisma.loginLink.upsert({
    where: { tokenHash: hashLoginToken(token) },
    create: { tokenHash: hashLoginToken(token), moderatorId: moderator.id, createdAt: ctx.now(), expiresAt },
    update: {},
  });
  const email = renderSignInEmail({
    moderatorName: moderator.name,
    // The page to land on rides in the link's query: changing it can only change where in /admin one lands.
    signInUrl: `${ctx.publicUrl}/admin/login/${token}${p.next ? `?next=${encodeURIComponent(safeNextPath(p.next))}` : ''}`,
    validMinutes: LOGIN_LINK_MINUTES,
    invitedTo: invitedTo ? { siteName: invitedTo.site.name, role: invitedTo.role } : null,
  });
  await run.transport.send({
    to: { name: moderator.name, address: moderator.email },
    ...email,
    messageId: jobMessageId(ctx, job.id),
    headers: { 'X-Parley-Job': job.id },
    // The link is a credential: unlike one-click moderation links it is not echoed to the log.
    links: {},
  });
  return { type: 'done' };
}

async function findModeratorByAddressKey(ctx: AppContext, addressKey: string) {
  if (!addressKey) return null;
  const candidates = await ctx.prisma.moderator.findMany({
    where: { revokedAt: null },
    select: { id: true, name: true, email: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const wanted = Buffer.from(addressKey);
  return (
    candidates.find((m) => {
      const key = Buffer.from(signInAddressKey(ctx.secretKey, m.email));
      return key.length === wanted.length && crypto.timingSafeEqual(key, wanted);
    }) ?? null
  );
}

