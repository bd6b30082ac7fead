import { buttonHtml, emailLayout, escapeHtml, oneLine, type RenderedEmail } from '../notifications/templates/html';
import type { PrivacyKind } from './readerAddress';

/**
 * Emails to a reader about their own data, in English then French (the request does not say which the
 * reader reads). They never name the address: it is only in the envelope.
 */

const FOOTER = 'You get this email because someone asked for it with this address on the "Your data" page. / Vous recevez cet e-mail parce que quelqu\'un l\'a demandé avec cette adresse sur la page « Vos données ».';

export function renderPrivacyLinkEmail(input: { siteName: string; kind: PrivacyKind; url: string }): RenderedEmail {
  const site = oneLine(input.siteName, 100);
  const what = input.kind === 'export'
    ? { en: 'a copy of your comments', fr: 'une copie de vos commentaires' }
    : { en: 'the erasure of your data', fr: "l'effacement de vos données" };
  const subject = input.kind === 'export'
    ? `Your comments on ${site} / Vos commentaires sur ${site}`
    : `Erase your data on ${site} / Effacer vos données sur ${site}`;
  const text = [
    `Someone (hopefully you) asked for ${what.en} on ${site}.`,
    `To confirm, open this link within 24 hours and press Confirm:`,
    input.url,
    `If it was not you, ignore this email: nothing happens.`,
    '',
    `Quelqu'un (vous, sans doute) a demandé ${what.fr} sur ${site}.`,
    `Pour confirmer, ouvrez ce lien dans les 24 heures et appuyez sur Confirmer :`,
    input.url,
    `Si ce n'était pas vous, ignorez cet e-mail : rien ne se passera.`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Someone (hopefully you) asked for ${escapeHtml(what.en)} on <strong>${escapeHtml(site)}</strong>. To confirm, open this link within 24 hours:</p>
<p>${buttonHtml(input.url, 'Open / Ouvrir', '#0969da')}</p>
<p style="margin:0 0 12px">If it was not you, ignore this email: nothing happens.</p>
<p style="margin:0 0 12px">Quelqu'un (vous, sans doute) a demandé ${escapeHtml(what.fr)} sur <strong>${escapeHtml(site)}</strong>. Pour confirmer, ouvrez ce lien dans les 24 heures. Si ce n'était pas vous, ignorez cet e-mail.</p>`;
  return { subject, text, html: emailLayout(subject, inner, escapeHtml(FOOTER)) };
}

export function renderPrivacyExportEmail(input: { siteName: string; comments: number }): RenderedEmail {
  const site = oneLine(input.siteName, 100);
  const subject = `Your comments on ${site} / Vos commentaires sur ${site}`;
  const text = [
    `Attached: the ${input.comments} comment(s) you posted on ${site}, with everything stored about them (JSON).`,
    '',
    `Ci-joint : les ${input.comments} commentaire(s) publiés sur ${site}, avec tout ce qui est conservé à leur sujet (JSON).`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">Attached: the ${input.comments} comment(s) you posted on <strong>${escapeHtml(site)}</strong>, with everything stored about them (JSON).</p>
<p style="margin:0 0 12px">Ci-joint : les ${input.comments} commentaire(s) publiés sur <strong>${escapeHtml(site)}</strong>, avec tout ce qui est conservé à leur sujet (JSON).</p>`;
  return { subject, text, html: emailLayout(subject, inner, escapeHtml(FOOTER)) };
}

export function renderPrivacyErasedEmail(input: { siteName: string }): RenderedEmail {
  const site = oneLine(input.siteName, 100);
  const subject = `Your data on ${site} was erased / Vos données sur ${site} ont été effacées`;
  const text = [
    `As you asked, your email address, name, website, IP address and browser details were erased from your comments on ${site}. This is the last email we send to this address.`,
    '',
    `Comme demandé, votre adresse e-mail, votre nom, votre site, votre adresse IP et les détails de votre navigateur ont été effacés de vos commentaires sur ${site}. C'est le dernier e-mail envoyé à cette adresse.`,
  ].join('\n');
  const inner = `<p style="margin:0 0 12px">${escapeHtml(text.split('\n')[0])}</p><p style="margin:0 0 12px">${escapeHtml(text.split('\n')[2])}</p>`;
  return { subject, text, html: emailLayout(subject, inner, escapeHtml(FOOTER)) };
}
