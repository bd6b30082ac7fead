import type { AppContext } from '../context';
import type { SiteSettings } from '../sites/siteSettings';
import { assessComment } from './evaluateNewComment';
import type { Decision, FormTiming } from './rules/types';

export interface DryRunInput {
  body: string;
  name: string;
  email: string;
  website: string | null;
  ip: string | null;
  honeypot: string | undefined;
  secondsOnForm?: number | null;
  returningAuthor: boolean;
}

const STATUS_FOR = { approve: 'approved', hold: 'pending', spam: 'spam', reject: 'rejected' } as const;

/**
 * What the rules would do with a comment on this site now (its settings, bans and spam model),
 * without storing anything or counting against flood control.
 */
export async function dryRunRules(ctx: AppContext, siteId: string, settings: SiteSettings, input: DryRunInput) {
  const now = ctx.now();
  const form: FormTiming =
    input.secondsOnForm === undefined || input.secondsOnForm === null
      ? { kind: 'absent' }
      : { kind: 'valid', renderedAt: new Date(now.getTime() - input.secondsOnForm * 1000) };
  const { outcome, spamScore } = await assessComment(ctx, {
    siteId,
    settings,
    comment: { name: input.name, email: input.email, website: input.website, body: input.body },
    ip: input.ip,
    honeypot: input.honeypot,
    form,
    provenReturning: input.returningAuthor,
  });
  const decision: Decision = outcome.decision;
  const status = STATUS_FOR[decision];
  return {
    decision,
    status,
    publicStatus: status === 'approved' ? ('approved' as const) : ('pending' as const),
    reasons: outcome.reasons,
    spamScore,
  };
}
