// PLACEHOLDER by the core engineer; the rules engineer replaces the body (keep the signature).
import crypto from 'node:crypto';
import type { AppContext } from '../context';
import type { SiteSettings } from '../sites/siteSettings';
import { countLinks } from '../comments/renderCommentHtml';

export interface NewCommentInput {
  siteId: string;
  settings: SiteSettings;
  page: { id: string | null; createdAt: Date; closed: boolean };
  parentId: string | null;
  name: string;
  email: string;
  website: string | null;
  body: string;
  ip: string | null;
  userAgent: string | null;
  ownerTokens: string[];
  honeypot: string | undefined;
  formToken: string | undefined;
}

export interface ModerationOutcome {
  status: 'pending' | 'approved' | 'spam' | 'rejected';
  reasons: string[];
  spamScore: number | null;
  publicStatus: 'pending' | 'approved';
  fingerprint: string;
}

export async function evaluateNewComment(_ctx: AppContext, input: NewCommentInput): Promise<ModerationOutcome> {
  const fingerprint = crypto.createHash('sha256').update(input.body.toLowerCase().replace(/\s+/g, ' ')).digest('hex');
  const reasons: string[] = [];
  const links = countLinks(input.body);
  if (links > input.settings.maxLinks) reasons.push(`links:${links}>${input.settings.maxLinks}`);
  if (input.settings.mode === 'pre') reasons.push('pre_moderation');
  const status = reasons.length ? 'pending' : 'approved';
  return { status, reasons, spamScore: null, publicStatus: status, fingerprint };
}
