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
  /** Link to the reader's data-rights page (/privacy/{site}). */
  yourData: string;
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
  formatHelp: string;
  /** [what to type, what it gives] */
  formats: [string, string][];
  link: string;
  linkCopied: string;
  edit: string;
  del: string;
  saveEdit: string;
  cancel: string;
  confirmDelete: string;
  deleted: string;
  edited: string;
  editOver: string;
  sortBy: string;
  sorts: [oldest: string, newest: string, activity: string];
  showEarlier: string;
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
  yourData: 'Your data',
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
  formatHelp: 'Formatting help',
  formats: [
    ['**bold**', 'bold'],
    ['*italic*', 'italic'],
    ['`code`', 'code'],
    ['> quote', 'quotation (at the start of a line)'],
    ['- item', 'list (1. for a numbered one)'],
    ['[text](https://…)', 'link'],
    ['```', 'on the lines before and after: a code block'],
  ],
  link: 'Link',
  linkCopied: 'Link copied.',
  edit: 'Edit',
  del: 'Delete',
  saveEdit: 'Save',
  cancel: 'Cancel',
  confirmDelete: 'Delete this comment?',
  deleted: 'Your comment was deleted.',
  edited: 'Your comment was updated.',
  editOver: 'The time to edit or delete this comment has passed.',
  sortBy: 'Sort by',
  sorts: ['Oldest first', 'Newest first', 'Latest activity'],
  showEarlier: 'Show earlier comments',
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
  yourData: 'Vos données',
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
  formatHelp: 'Aide à la mise en forme',
  formats: [
    ['**gras**', 'gras'],
    ['*italique*', 'italique'],
    ['`code`', 'code'],
    ['> citation', 'citation (en début de ligne)'],
    ['- élément', 'liste (1. pour une liste numérotée)'],
    ['[texte](https://…)', 'lien'],
    ['```', 'sur les lignes avant et après : un bloc de code'],
  ],
  link: 'Lien',
  linkCopied: 'Lien copié.',
  edit: 'Modifier',
  del: 'Supprimer',
  saveEdit: 'Enregistrer',
  cancel: 'Annuler',
  confirmDelete: 'Supprimer ce commentaire ?',
  deleted: 'Votre commentaire a été supprimé.',
  edited: 'Votre commentaire a été modifié.',
  editOver: 'Le délai pour modifier ou supprimer ce commentaire est écoulé.',
  sortBy: 'Trier par',
  sorts: ['Plus anciens d’abord', 'Plus récents d’abord', 'Activité récente'],
  showEarlier: 'Afficher les commentaires précédents',
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
