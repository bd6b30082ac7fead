/**
 * Every string the widget (and the no-JS embed page) shows, one object per language.
 * Add a language by adding one object here and one entry in STRINGS.
 */
export interface Strings {
  region: string;
  count: (n: number) => string;
  loading: string;
  loadError: string;
  retry: string;
  showMore: string;
  reply: string;
  replyTo: (name: string) => string;
  cancelReply: string;
  awaiting: string;
  leaveReply: string;
  name: string;
  email: string;
  website: string;
  comment: string;
  emailNote: string;
  notify: string;
  save: string;
  submit: string;
  sending: string;
  required: string;
  fixErrors: string;
  sendError: string;
  posted: string;
  published: string;
  closed: string;
  honeypot: string;
}

export const en: Strings = {
  region: 'Comments',
  count: (n) => (n === 1 ? '1 comment' : `${n} comments`),
  loading: 'Loading comments…',
  loadError: 'Comments could not be loaded.',
  retry: 'Try again',
  showMore: 'Show more',
  reply: 'Reply',
  replyTo: (name) => `Reply to ${name}`,
  cancelReply: 'Cancel reply',
  awaiting: 'Your comment is awaiting moderation',
  leaveReply: 'Leave a Reply',
  name: 'Name',
  email: 'Email',
  website: 'Website',
  comment: 'Comment',
  emailNote: 'Your email address will not be published. Required fields are marked *',
  notify: 'Notify me of replies by email',
  save: 'Save my name, email, and website in this browser for the next time I comment',
  submit: 'Post Comment',
  sending: 'Posting…',
  required: 'This field is required.',
  fixErrors: 'Please correct the fields marked below.',
  sendError: 'Your comment could not be posted. Please try again.',
  posted: 'Thank you! Your comment is awaiting moderation.',
  published: 'Thank you! Your comment is published.',
  closed: 'Comments are closed.',
  honeypot: 'Leave this field empty',
};

export const fr: Strings = {
  region: 'Commentaires',
  count: (n) => (n <= 1 ? `${n} commentaire` : `${n} commentaires`),
  loading: 'Chargement des commentaires…',
  loadError: 'Impossible de charger les commentaires.',
  retry: 'Réessayer',
  showMore: 'Afficher plus',
  reply: 'Répondre',
  replyTo: (name) => `Répondre à ${name}`,
  cancelReply: 'Annuler la réponse',
  awaiting: 'Votre commentaire est en attente de modération',
  leaveReply: 'Laisser un commentaire',
  name: 'Nom',
  email: 'Courriel',
  website: 'Site web',
  comment: 'Commentaire',
  emailNote:
    'Votre adresse courriel ne sera pas publiée. Les champs obligatoires sont indiqués avec *',
  notify: 'M’aviser des réponses par courriel',
  save: 'Enregistrer mon nom, mon courriel et mon site web dans ce navigateur pour mon prochain commentaire',
  submit: 'Publier le commentaire',
  sending: 'Envoi en cours…',
  required: 'Ce champ est obligatoire.',
  fixErrors: 'Veuillez corriger les champs indiqués ci-dessous.',
  sendError: 'Votre commentaire n’a pas pu être publié. Veuillez réessayer.',
  posted: 'Merci ! Votre commentaire est en attente de modération.',
  published: 'Merci ! Votre commentaire est publié.',
  closed: 'Les commentaires sont fermés.',
  honeypot: 'Laissez ce champ vide',
};

export const STRINGS = { en, fr } as const;
export type Lang = keyof typeof STRINGS;

/** "fr-CA" -> "fr"; anything we have no strings for -> "en". */
export function pickLang(...candidates: (string | null | undefined)[]): Lang {
  for (const c of candidates) {
    const primary = (c ?? '').trim().toLowerCase().split(/[-_]/)[0];
    if (primary && primary in STRINGS) return primary as Lang;
    if (primary) break; // the first language stated wins, even if we lack it
  }
  return 'en';
}
