import type { AppContext } from '../context';
import { errors } from '../http/AppError';
import { banValueError } from './rules/banRule';
import { forgetCachedBans } from './evaluateNewComment';

export interface PresentedBan {
  id: string;
  kind: 'email' | 'ip' | 'name';
  value: string;
  reason: string | null;
  expiresAt: string | null;
  createdAt: string;
  createdById: string | null;
  active: boolean;
}

function present(
  ban: { id: string; kind: 'email' | 'ip' | 'name'; value: string; reason: string | null; expiresAt: Date | null; createdAt: Date; createdById: string | null },
  now: Date,
): PresentedBan {
  return {
    id: ban.id,
    kind: ban.kind,
    value: ban.value,
    reason: ban.reason,
    expiresAt: ban.expiresAt?.toISOString() ?? null,
    createdAt: ban.createdAt.toISOString(),
    createdById: ban.createdById,
    active: ban.expiresAt === null || ban.expiresAt.getTime() > now.getTime(),
  };
}

export async function listBans(ctx: AppContext, siteId: string, opts: { includeExpired: boolean }): Promise<PresentedBan[]> {
  const now = ctx.now();
  const rows = await ctx.prisma.ban.findMany({
    where: { siteId, ...(opts.includeExpired ? {} : { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }) },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  return rows.map((b) => present(b, now));
}

export async function addBan(
  ctx: AppContext,
  args: { siteId: string; moderatorId: string; kind: 'email' | 'ip' | 'name'; value: string; reason: string | null; expiresAt: Date | null },
): Promise<PresentedBan> {
  const problem = banValueError(args.kind, args.value);
  if (problem) throw errors.validation({ value: problem });
  const now = ctx.now();
  if (args.expiresAt && args.expiresAt.getTime() <= now.getTime()) {
    throw errors.validation({ expiresAt: 'The expiry must be in the future.' });
  }
  const ban = await ctx.prisma.ban.create({
    data: {
      siteId: args.siteId,
      kind: args.kind,
      value: args.kind === 'email' ? args.value.trim().toLowerCase() : args.value.trim(),
      reason: args.reason,
      expiresAt: args.expiresAt,
      createdById: args.moderatorId,
      createdAt: now,
    },
  });
  forgetCachedBans(ctx, args.siteId);
  return present(ban, now);
}

export async function removeBan(ctx: AppContext, siteId: string, banId: string): Promise<void> {
  const { count } = await ctx.prisma.ban.deleteMany({ where: { id: banId, siteId } });
  if (count === 0) throw errors.notFound('Ban');
  forgetCachedBans(ctx, siteId);
}
