/** Reader-facing words of the data-rights page, its confirm pages and its emails, in English and French. */
export type Lang = 'en' | 'fr';

export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'fr' || query === 'en') return query;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('fr') ? 'fr' : 'en';
}

export const STRINGS = {
  en: {
    pageTitle: 'Your data',
    intro: (site: string) =>
      `Ask for a copy of every comment you posted on ${site} under your email address, or for their erasure. We send a link to that address: nothing happens until you open it and confirm.`,
    emailLabel: 'Your email address',
    kindLegend: 'What would you like?',
    kindExport: 'A copy of my comments (sent to me as a JSON file)',
    kindErase: 'Erase my address, name, website, IP and browser from my comments',
    submit: 'Send me the link',
    sentTitle: 'Check your email',
    sent: 'If this address posted comments here, a link to confirm your request is on its way. It works for 24 hours.',
    tooMany: 'Too many requests. Please wait a while and try again.',
    invalidEmail: 'Enter a valid email address.',
    otherLang: 'Français',
    kept: 'After an erasure your comments stay in their threads as "Deleted reader" (choose to remove their text too on the confirm page). Quotes of your words in other readers\' replies stay.',
    confirmExportTitle: 'Send a copy of your comments?',
    confirmExport: (site: string) => `We will email you every comment you posted on ${site} under this address, with everything stored about them, as a JSON file.`,
    confirmEraseTitle: 'Erase your data?',
    confirmErase: (site: string) =>
      `Your email address, name, website, IP address and browser details will be removed from every comment you posted on ${site} under this address. Your comments stay as "Deleted reader". This cannot be undone.`,
    alsoDelete: 'Also remove the text of my comments',
    confirmButton: 'Confirm',
    nothingYet: 'Nothing has changed yet: this page only asks you to confirm.',
    exportQueuedTitle: 'Your copy is on its way',
    exportQueued: 'We are emailing you a JSON file with your comments.',
    erasedTitle: 'Your data was erased',
    erased: (n: number) => `${n} comment${n === 1 ? ' no longer carries' : 's no longer carry'} your address or name. A last email confirms it.`,
    invalidLink: 'This link is not valid.',
    expiredLink: 'This link has expired. Ask again from the "Your data" page.',
    usedLink: 'This link was already used, or its request has expired.',
  },
  fr: {
    pageTitle: 'Vos données',
    intro: (site: string) =>
      `Demandez une copie de tous les commentaires publiés sur ${site} avec votre adresse e-mail, ou leur effacement. Nous envoyons un lien à cette adresse : rien ne se passe tant que vous ne l'avez pas ouvert et confirmé.`,
    emailLabel: 'Votre adresse e-mail',
    kindLegend: 'Que souhaitez-vous ?',
    kindExport: 'Une copie de mes commentaires (envoyée en fichier JSON)',
    kindErase: 'Effacer mon adresse, mon nom, mon site, mon IP et mon navigateur de mes commentaires',
    submit: 'Envoyez-moi le lien',
    sentTitle: 'Consultez vos e-mails',
    sent: 'Si cette adresse a publié des commentaires ici, un lien pour confirmer votre demande vous a été envoyé. Il est valable 24 heures.',
    tooMany: 'Trop de demandes. Veuillez patienter un peu puis réessayer.',
    invalidEmail: 'Saisissez une adresse e-mail valide.',
    otherLang: 'English',
    kept: 'Après un effacement, vos commentaires restent dans leurs fils sous le nom « Deleted reader » (lecteur supprimé) (vous pouvez aussi en retirer le texte à la confirmation). Les citations de vos propos dans les réponses d\'autres lecteurs restent.',
    confirmExportTitle: 'Envoyer une copie de vos commentaires ?',
    confirmExport: (site: string) => `Nous vous enverrons par e-mail tous les commentaires publiés sur ${site} avec cette adresse, avec tout ce qui est conservé à leur sujet, dans un fichier JSON.`,
    confirmEraseTitle: 'Effacer vos données ?',
    confirmErase: (site: string) =>
      `Votre adresse e-mail, votre nom, votre site, votre adresse IP et les détails de votre navigateur seront retirés de tous les commentaires publiés sur ${site} avec cette adresse. Vos commentaires restent, sous le nom « Deleted reader » (lecteur supprimé). C'est définitif.`,
    alsoDelete: 'Retirer aussi le texte de mes commentaires',
    confirmButton: 'Confirmer',
    nothingYet: "Rien n'a encore changé : cette page vous demande seulement de confirmer.",
    exportQueuedTitle: 'Votre copie est en route',
    exportQueued: 'Nous vous envoyons par e-mail un fichier JSON avec vos commentaires.',
    erasedTitle: 'Vos données ont été effacées',
    erased: (n: number) => `${n} commentaire${n > 1 ? 's ne portent' : ' ne porte'} plus votre adresse ni votre nom. Un dernier e-mail le confirme.`,
    invalidLink: "Ce lien n'est pas valide.",
    expiredLink: 'Ce lien a expiré. Refaites la demande depuis la page « Vos données ».',
    usedLink: 'Ce lien a déjà servi, ou sa demande a expiré.',
  },
} as const;
