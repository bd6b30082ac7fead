import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeReason } from '../../console/reasons';

/** Every reason code the rules write, in plain English and French words for the console. */
describe('the console explains why a comment was held', () => {
  test.each([
    ['links:5>2', 'It has 5 links; the site holds comments with more than 2.', 'Il contient 5 liens ; le site retient ceux qui en ont plus de 2.'],
    ['spam_score:0.93', 'The spam filter rates it 93% likely to be spam.', 'Le filtre l’estime indésirable à 93 %.'],
    ['too_fast:1s<3s', 'It was sent 1 s after the form appeared; a person needs at least 3 s.', 'Envoyé 1 s après l’affichage du formulaire ; il faut au moins 3 s à une personne.'],
    ['hold_word:casino', 'It contains the hold word “casino”.', 'Il contient le mot à retenir « casino ».'],
    ['block_word:viagra', 'It contains the blocked word “viagra”.', 'Il contient le mot bloqué « viagra ».'],
    ['honeypot', 'A field hidden from people was filled in, as robots do.', 'Un champ caché aux personnes a été rempli, comme le font les robots.'],
    ['banned:email', "The author's email address is banned.", 'L’adresse électronique de l’auteur est banni(e).'],
    ['banned:ip', "The author's IP address is banned.", 'L’adresse IP de l’auteur est banni(e).'],
    ['pre_moderation', 'The site holds every comment for a moderator (pre-moderation).', 'Le site fait attendre chaque commentaire (modération a priori).'],
    ['links:2', 'It contains 2 links.', 'Il contient 2 liens.'],
    ['contact:phone', 'It gives a phone number in public.', 'Il donne publiquement un numéro de téléphone.'],
    ['known_spam_author:3', 'This author already sent 3 comments marked as spam on this site.', 'Cet auteur a déjà envoyé 3 commentaires marqués indésirables sur ce site.'],
    ['repeated_body:4_pages', 'The same text was posted on 4 pages of this site.', 'Le même texte a été publié sur 4 pages de ce site.'],
    ['char_grams:4.2', 'Its spelling looks like spam seen before (letter patterns; evidence 4.2).', 'Son écriture ressemble à des indésirables déjà vus (suites de lettres ; indice 4,2).'],
    ['no_form_token', 'It was sent without the comment form (e.g. by a script), which this site holds.', 'Envoyé sans le formulaire de commentaire (par un script, par exemple), ce que le site retient.'],
  ])('%s', (code, en, fr) => {
    expect(describeReason(code, 'en')).toBe(en);
    expect(describeReason(code, 'fr')).toBe(fr);
  });

  test('an unknown code is shown as it is rather than hidden', () => {
    expect(describeReason('new_rule:42', 'en')).toBe('Other reason: new_rule:42');
    expect(describeReason('new_rule:42', 'fr')).toBe('Autre motif : new_rule:42');
  });

  test('every literal reason code in src/moderation/rules has its own sentence', () => {
    const dir = path.resolve(__dirname, '../../src/moderation/rules');
    const codes = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(path.join(dir, file), 'utf8');
      // reasons: ['honeypot'] and reasons: [`links:${…}>${…}`] alike: keep the code's fixed prefix.
      for (const m of src.matchAll(/reasons: \[\s*['`]([a-z_]+)(:?)/g)) codes.add(m[2] ? `${m[1]}:1` : m[1]);
      for (const m of src.matchAll(/`([a-z_]+):\$\{/g)) codes.add(`${m[1]}:1`);
    }
    expect(codes.size).toBeGreaterThan(5);
    const samples: Record<string, string> = { 'too_fast:1': 'too_fast:1s<3s', 'spam_score:1': 'spam_score:0.75', 'repeated_body:1': 'repeated_body:3_pages', 'known_spam_author:1': 'known_spam_author:2', 'clues:1': 'clues:20', 'char_grams:1': 'char_grams:4.2' };
    for (const code of codes) {
      const sample = samples[code] ?? code.replace(/:1$/, ':3');
      expect([code, describeReason(sample, 'en')]).not.toEqual([code, expect.stringMatching(/^Other reason/)]);
    }
  });
});
