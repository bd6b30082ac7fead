import type { Request, Response } from 'express';
import { escapeHtml } from '../notifications/templates/html';

/**
 * The console's signed-out pages: sign-in (email link or API key), the emailed link's confirm page and
 * the error pages of the sign-in routes. Server-rendered, no script at all, styles from a file
 * (AUTH_CSS_PATH), so they work under the strict CSP and without JavaScript. English and French.
 */
export type ConsoleLang = 'en' | 'fr';

export const AUTH_CSS_PATH = '/admin/sign-in.css';

export const AUTH_CSS = `
:root{color-scheme:light dark;--ink:#1f2328;--muted:#59636e;--paper:#f6f8fa;--card:#fff;--rule:#d0d7de;--accent:#0969da;--bad:#cf222e;--good:#1a7f37}
@media (prefers-color-scheme:dark){:root{--ink:#e6edf3;--muted:#9198a1;--paper:#0d1117;--card:#161b22;--rule:#3d444d;--accent:#4493f8;--bad:#f85149;--good:#3fb950}}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--rule);border-radius:8px}
@media (max-width:30rem){main{margin:0;border-radius:0;border-width:0 0 1px}}
h1{font-size:1.35rem;margin:0 0 .75rem}
h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=email],input[type=password],input[type=text]{display:block;width:100%;font:inherit;padding:.5rem .6rem;border:1px solid var(--rule);border-radius:6px;background:var(--paper);color:var(--ink)}
.hint{color:var(--muted);font-size:.875rem;margin:.25rem 0 .75rem}
button{font:inherit;font-weight:600;padding:.55rem 1.25rem;border:0;border-radius:6px;color:#fff;background:var(--accent);cursor:pointer}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #fd8c73;outline-offset:2px}
.or{display:flex;align-items:center;gap:.75rem;color:var(--muted);margin:1.5rem 0 .25rem}
.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--rule)}
.alert{border-left:4px solid var(--bad);padding:.5rem .75rem;background:color-mix(in srgb,var(--bad) 10%,transparent)}
.notice{border-left:4px solid var(--good);padding:.5rem .75rem;background:color-mix(in srgb,var(--good) 10%,transparent)}
.lang{font-size:.875rem;text-align:right;margin:0 0 .5rem}
a{color:var(--accent)}
`;

const STRINGS = {
  en: {
    title: 'Sign in to the Parley console',
    intro: 'Moderators sign in with a link sent by email, or with their API key.',
    emailHeading: 'By email',
    emailLabel: 'Email address',
    emailButton: 'Email me a sign-in link',
    or: 'or',
    keyHeading: 'With an API key',
    keyLabel: 'API key',
    keyHint: 'The key Parley printed when it started, or the one “parley moderator key” gave you.',
    keyButton: 'Sign in with the key',
    sent: 'If this address belongs to a moderator, a sign-in link is on its way. It works once, within 15 minutes.',
    otherLang: 'Français',
    confirmTitle: 'Sign in to the Parley console?',
    confirmText: 'Nothing happens until you press the button: mail scanners open links too.',
    confirmButton: 'Sign in',
    back: 'Back to the sign-in page',
    errorTitle: { 400: 'Invalid link', 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 410: 'Link no longer valid', 429: 'Too many attempts' } as Record<number, string>,
    errorFallback: 'Something went wrong',
  },
  fr: {
    title: 'Connexion à la console Parley',
    intro: 'Les modérateurs se connectent avec un lien reçu par e-mail, ou avec leur clé d’API.',
    emailHeading: 'Par e-mail',
    emailLabel: 'Adresse e-mail',
    emailButton: 'M’envoyer un lien de connexion',
    or: 'ou',
    keyHeading: 'Avec une clé d’API',
    // The label stays "API key" in both languages: it is the name the field is documented and tested by.
    keyLabel: 'API key',
    keyHint: 'Votre clé d’API : celle que Parley a affichée au démarrage, ou celle donnée par « parley moderator key ».',
    keyButton: 'Se connecter avec la clé',
    sent: 'Si cette adresse appartient à un modérateur, un lien de connexion est en route. Il sert une seule fois, dans les 15 minutes.',
    otherLang: 'English',
    confirmTitle: 'Se connecter à la console Parley ?',
    confirmText: 'Rien ne se passe avant que vous appuyiez sur le bouton : les antivirus de messagerie ouvrent aussi les liens.',
    confirmButton: 'Se connecter',
    back: 'Retour à la page de connexion',
    errorTitle: { 400: 'Lien non valide', 401: 'Non connecté', 403: 'Non autorisé', 404: 'Introuvable', 410: 'Lien expiré ou déjà utilisé', 429: 'Trop de tentatives' } as Record<number, string>,
    errorFallback: 'Une erreur est survenue',
  },
} as const;

/** French error messages for the English ones the sign-in routes raise (errors carry English text). */
const FRENCH_MESSAGES: Record<string, string> = {
  'This sign-in link is not valid.': 'Ce lien de connexion n’est pas valide.',
  'This sign-in link has expired. Ask for a new one.': 'Ce lien de connexion a expiré. Demandez-en un nouveau.',
  'This sign-in link was already used. Ask for a new one.': 'Ce lien de connexion a déjà servi. Demandez-en un nouveau.',
  'This API key is not valid.': 'Cette clé d’API n’est pas valide.',
  'Too many failed sign-in attempts. Please wait.': 'Trop de tentatives de connexion échouées. Veuillez patienter.',
  'Too many sign-in requests. Please wait a few minutes.': 'Trop de demandes de connexion. Patientez quelques minutes.',
  'Enter a valid email address.': 'Saisissez une adresse e-mail valide.',
  'Paste your API key.': 'Collez votre clé d’API.',
  'This form was sent from another site.': 'Ce formulaire a été envoyé depuis un autre site.',
  'This request lacks a valid CSRF token. Reload the page and try again.': 'Cette requête n’a pas de jeton CSRF valide. Rechargez la page et réessayez.',
};

export function translateAuthMessage(lang: ConsoleLang, message: string): string {
  return lang === 'fr' ? FRENCH_MESSAGES[message] ?? message : message;
}

/** `?lang=fr|en` wins; otherwise the browser's Accept-Language; English by default. */
export function consoleLanguage(req: Request): ConsoleLang {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : typeof (req.body as { lang?: unknown } | undefined)?.lang === 'string' ? (req.body as { lang: string }).lang : undefined;
  if (asked === 'fr' || asked === 'en') return asked;
  return req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en';
}

/** Where to go after sign-in: a path inside the console only (never another origin, never `//host`). */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/admin';
  return /^\/admin(?:[/?#][^\\\s]*)?$/.test(value) && !value.startsWith('//') ? value : '/admin';
}

function layout(lang: ConsoleLang, title: string, inner: string, langSwitchHref?: string): string {
  const t = STRINGS[lang];
  const switcher = langSwitchHref
    ? `<p class="lang"><a href="${escapeHtml(langSwitchHref)}" lang="${lang === 'en' ? 'fr' : 'en'}" hreflang="${lang === 'en' ? 'fr' : 'en'}">${t.otherLang}</a></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="same-origin">
<title>${escapeHtml(title)} · Parley</title><link rel="stylesheet" href="${AUTH_CSS_PATH}"></head>
<body><main>
${switcher}<h1>${escapeHtml(title)}</h1>
${inner}
</main></body></html>`;
}

export interface SignInPageOptions {
  lang: ConsoleLang;
  /** Console path to return to after signing in. */
  next?: string;
  /** An error to show above the forms (already in the page's language, or an English message to translate). */
  error?: string;
  /** Which form the error is about, so its field is marked invalid and described by it. */
  errorField?: 'email' | 'key';
  /** Show the "a sign-in link is on its way" notice (same bytes whatever the address was). */
  sent?: boolean;
}

/**
 * The sign-in page: email-link form (POST /admin/login) and API-key form (POST /admin/login/key).
 * console-ui shows it at GET /admin when res.locals.consoleSession is unset.
 */
export function renderSignInPage(opts: SignInPageOptions): string {
  const { lang } = opts;
  const t = STRINGS[lang];
  const next = safeNextPath(opts.next);
  const hidden = `<input type="hidden" name="next" value="${escapeHtml(next)}"><input type="hidden" name="lang" value="${lang}">`;
  const error = opts.error ? translateAuthMessage(lang, opts.error) : undefined;
  const alert = error ? `<p class="alert" role="alert" id="signin-error">${escapeHtml(error)}</p>` : '';
  const notice = opts.sent ? `<p class="notice" role="status">${escapeHtml(t.sent)}</p>` : '';
  const invalid = (field: 'email' | 'key') => (error && opts.errorField === field ? ' aria-invalid="true" aria-describedby="signin-error"' : '');
  const inner = `<p>${escapeHtml(t.intro)}</p>
${alert}${notice}
<h2>${escapeHtml(t.emailHeading)}</h2>
<form method="post" action="/admin/login">${hidden}
<label for="signin-email">${escapeHtml(t.emailLabel)}</label>
<input type="email" id="signin-email" name="email" autocomplete="username" required maxlength="320"${invalid('email')}>
<p><button type="submit">${escapeHtml(t.emailButton)}</button></p>
</form>
<p class="or">${escapeHtml(t.or)}</p>
<h2>${escapeHtml(t.keyHeading)}</h2>
<form method="post" action="/admin/login/key">${hidden}
<label for="signin-key">${escapeHtml(t.keyLabel)}</label>
<input type="password" id="signin-key" name="key" autocomplete="off" spellcheck="false" required maxlength="200" aria-describedby="signin-key-hint"${invalid('key')}>
<p class="hint" id="signin-key-hint">${escapeHtml(t.keyHint)}</p>
<button type="submit">${escapeHtml(t.keyButton)}</button>
</form>`;
  const other = lang === 'en' ? 'fr' : 'en';
  const switchHref = `/admin?lang=${other}${next !== '/admin' ? `&next=${encodeURIComponent(next)}` : ''}`;
  return layout(lang, t.title, inner, switchHref);
}

/** The emailed link's page: one button that posts back to the same URL. It changes nothing by itself. */
export function renderLinkConfirmPage(lang: ConsoleLang): string {
  const t = STRINGS[lang];
  return layout(
    lang,
    t.confirmTitle,
    `<p>${escapeHtml(t.confirmText)}</p>
<form method="post"><input type="hidden" name="lang" value="${lang}"><button type="submit">${escapeHtml(t.confirmButton)}</button></form>`,
  );
}

/** An error of the sign-in routes, as a page with a way back. */
export function renderAuthErrorPage(lang: ConsoleLang, status: number, message: string): string {
  const t = STRINGS[lang];
  return layout(
    lang,
    t.errorTitle[status] ?? t.errorFallback,
    `<p role="alert">${escapeHtml(translateAuthMessage(lang, message))}</p>
<p><a href="/admin${lang === 'fr' ? '?lang=fr' : ''}">${escapeHtml(t.back)}</a></p>`,
  );
}

/** Sends an HTML page that must never be cached (it may follow a sign-in or carry a form). */
export function sendAuthPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store');
  // Not helmet's no-referrer: with it, browsers send "Origin: null" on our form posts, which the
  // same-origin check of the sign-in forms must refuse. Same-origin still sends nothing to other sites.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.send(html);
}

/** Convenience for console-ui: the sign-in page in the request's language, returning here after sign-in. */
export function sendSignInPage(req: Request, res: Response, opts: Partial<SignInPageOptions> = {}): void {
  sendAuthPage(res, 200, renderSignInPage({ lang: consoleLanguage(req), next: req.originalUrl, ...opts }));
}
