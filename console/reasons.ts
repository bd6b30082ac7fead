import type { Lang } from './strings';

/**
 * The rules' reason codes (src/moderation/rules/*) in plain words for moderators. Pure: no DOM, so
 * it is tested with a table of codes. A code this file does not know is shown as it is, so a new rule
 * never hides why a comment was held.
 */
type Sentence = (m: RegExpExecArray) => string;

const RULES: Array<{ re: RegExp; en: Sentence; fr: Sentence }> = [
  {
    re: /^links:(\d+)>(\d+)$/,
    en: (m) => `It has ${m[1]} links; the site holds comments with more than ${m[2]}.`,
    fr: (m) => `Il contient ${m[1]} liens ; le site retient ceux qui en ont plus de ${m[2]}.`,
  },
  {
    re: /^links:(\d+)$/,
    en: (m) => (m[1] === '1' ? 'It contains a link.' : `It contains ${m[1]} links.`),
    fr: (m) => (m[1] === '1' ? 'Il contient un lien.' : `Il contient ${m[1]} liens.`),
  },
  {
    re: /^author_website$/,
    en: () => 'The author gave a website.',
    fr: () => 'L’auteur a indiqué un site web.',
  },
  {
    re: /^contact:(phone|email|messenger|shortcode)$/,
    en: (m) => `It gives ${({ phone: 'a phone number', email: 'an email address', messenger: 'a messaging-app contact', shortcode: 'a text-message code' } as Record<string, string>)[m[1]]} in public.`,
    fr: (m) => `Il donne publiquement ${({ phone: 'un numéro de téléphone', email: 'une adresse électronique', messenger: 'un contact de messagerie', shortcode: 'un code SMS' } as Record<string, string>)[m[1]]}.`,
  },
  {
    re: /^contact:(.+)$/s,
    en: (m) => `It gives contact details in public (${m[1]}).`,
    fr: (m) => `Il donne publiquement des coordonnées (${m[1]}).`,
  },
  {
    re: /^known_spam_author:(\d+)$/,
    en: (m) => `This author already sent ${m[1]} comment${m[1] === '1' ? '' : 's'} marked as spam on this site.`,
    fr: (m) => `Cet auteur a déjà envoyé ${m[1]} commentaire${m[1] === '1' ? '' : 's'} marqué${m[1] === '1' ? '' : 's'} indésirable${m[1] === '1' ? '' : 's'} sur ce site.`,
  },
  {
    re: /^repeated_body:(\d+)_pages$/,
    en: (m) => `The same text was posted on ${m[1]} pages of this site.`,
    fr: (m) => `Le même texte a été publié sur ${m[1]} pages de ce site.`,
  },
  {
    re: /^char_grams:([\d.]+)$/,
    en: (m) => `Its spelling looks like spam seen before (letter patterns; evidence ${m[1]}).`,
    fr: (m) => `Son écriture ressemble à des indésirables déjà vus (suites de lettres ; indice ${m[1].replace('.', ',')}).`,
  },
  {
    re: /^clues:(\d+)$/,
    en: (m) => `The spam filter found ${m[1]} known spam clues in it.`,
    fr: (m) => `Le filtre y a trouvé ${m[1]} indices connus d’indésirable.`,
  },
  {
    re: /^spam_score:([\d.]+)$/,
    en: (m) => `The spam filter rates it ${pct(m[1])} likely to be spam.`,
    fr: (m) => `Le filtre l’estime indésirable à ${pct(m[1], 'fr')}.`,
  },
  {
    re: /^too_fast:(\d+)s<(\d+)s$/,
    en: (m) => `It was sent ${m[1]} s after the form appeared; a person needs at least ${m[2]} s.`,
    fr: (m) => `Envoyé ${m[1]} s après l’affichage du formulaire ; il faut au moins ${m[2]} s à une personne.`,
  },
  {
    re: /^hold_word:(.+)$/s,
    en: (m) => `It contains the hold word “${m[1]}”.`,
    fr: (m) => `Il contient le mot à retenir « ${m[1]} ».`,
  },
  {
    re: /^block_word:(.+)$/s,
    en: (m) => `It contains the blocked word “${m[1]}”.`,
    fr: (m) => `Il contient le mot bloqué « ${m[1]} ».`,
  },
  {
    re: /^honeypot$/,
    en: () => 'A field hidden from people was filled in, as robots do.',
    fr: () => 'Un champ caché aux personnes a été rempli, comme le font les robots.',
  },
  {
    re: /^banned:(email|ip|name)$/,
    en: (m) => `The author's ${({ email: 'email address', ip: 'IP address', name: 'name' } as Record<string, string>)[m[1]]} is banned.`,
    fr: (m) => `${({ email: 'L’adresse électronique', ip: 'L’adresse IP', name: 'Le nom' } as Record<string, string>)[m[1]]} de l’auteur est banni(e).`,
  },
  {
    re: /^banned:(.+)$/s,
    en: (m) => `A ban matches it (${m[1]}).`,
    fr: (m) => `Un bannissement le vise (${m[1]}).`,
  },
  {
    re: /^(pre_moderation|mode:pre)$/,
    en: () => 'The site holds every comment for a moderator (pre-moderation).',
    fr: () => 'Le site fait attendre chaque commentaire (modération a priori).',
  },
  {
    re: /^returning_author$/,
    en: () => 'A returning author, published at once.',
    fr: () => 'Un auteur connu, publié aussitôt.',
  },
  {
    re: /^no_form_token$/,
    en: () => 'It was sent without the comment form (e.g. by a script), which this site holds.',
    fr: () => 'Envoyé sans le formulaire de commentaire (par un script, par exemple), ce que le site retient.',
  },
  {
    re: /^bad_form_token$/,
    en: () => 'The form it came from carried a forged or damaged token.',
    fr: () => 'Le formulaire d’origine portait un jeton falsifié ou abîmé.',
  },
  {
    re: /^stale_form_token$/,
    en: () => 'The form had been open for a very long time before it was sent.',
    fr: () => 'Le formulaire était ouvert depuis très longtemps avant l’envoi.',
  },
];

function pct(score: string, lang: Lang = 'en'): string {
  const n = Math.round(Number(score) * 100);
  return lang === 'fr' ? `${n} %` : `${n}%`;
}

/** One plain sentence for one reason code. */
export function describeReason(code: string, lang: Lang): string {
  for (const rule of RULES) {
    const m = rule.re.exec(code);
    if (m) return rule[lang](m);
  }
  return lang === 'fr' ? `Autre motif : ${code}` : `Other reason: ${code}`;
}
