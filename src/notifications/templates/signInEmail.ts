import { buttonHtml, emailLayout, escapeHtml, oneLine, type RenderedEmail } from './html';

export interface SignInEmailInput {
  moderatorName: string;
  /** /admin/login/<token>, absolute. */
  signInUrl: string;
  /** Minutes the link stays valid. */
  validMinutes: number;
  /** Set when the email follows an invitation to a site. */
  invitedTo?: { siteName: string; role: 'moderator' | 'admin' } | null;
}

/** The console sign-in link (asked for on the sign-in page, or sent with an invitation). */
export function renderSignInEmail(input: SignInEmailInput): RenderedEmail {
  const invite = input.invitedTo;
  const subject = invite
    ? `You are now ${invite.role === 'admin' ? 'an admin' : 'a moderator'} of ${oneLine(invite.siteName, 80)} on Parley`
    : 'Your sign-in link for the Parley console';
  const lead = invite
    ? `You were added as ${invite.role === 'admin' ? 'an admin' : 'a moderator'} of ${oneLine(invite.siteName, 100)}. Sign in to the moderation console with this link:`
    : 'Here is the link to sign in to the Parley moderation console:';
  const text = [
    `Hello ${oneLine(input.moderatorName, 100)},`,
    '',
    lead,
    '',
    `  ${input.signInUrl}`,
    '',
    `It works once, within ${input.validMinutes} minutes. The page it opens asks you to confirm before signing you in.`,
    'If you did not ask for it, ignore this email: nobody can sign in without the link.',
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Hello ${escapeHtml(input.moderatorName)},</p>
<p style="margin:0 0 12px">${escapeHtml(lead)}</p>
<p style="margin:12px 0">${buttonHtml(input.signInUrl, 'Sign in to Parley', '#0969da')}</p>
<p style="margin:0 0 12px;font-size:12px;color:#59636e;word-break:break-all">${escapeHtml(input.signInUrl)}</p>
<p style="margin:0 0 12px">It works once, within ${input.validMinutes} minutes. The page it opens asks you to confirm before signing you in.</p>`;
  const footer = 'If you did not ask for this email, ignore it: nobody can sign in without the link.';
  return { subject, text, html: emailLayout(subject, inner, footer) };
}
