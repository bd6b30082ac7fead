import { charGrams, isCharGram, MAX_CHAR_GRAMS } from '../../../src/spam/charGrams';
import { tokenize, wordFeatures } from '../../../src/spam/tokenize';

const doc = (over: Partial<Parameters<typeof tokenize>[0]> = {}) => ({
  name: 'Jane Reader', email: 'jane@example.org', website: null, body: 'The council met.', ...over,
});

describe('tokenize', () => {
  test.each([
    ['words are folded', doc({ body: 'Café CAFÉ' }), ['cafe'], []],
    ['word pairs', doc({ body: 'bus lane' }), ['bus', 'lane', 'bus lane'], []],
    ['link domains and count', doc({ body: 'see https://www.cheap-meds.ru/buy' }),
      ['links:1', 'domain:cheap-meds.ru', 'tld:ru', 'domain_word:cheap', 'domain_word:meds'], []],
    ['three links bucket', doc({ body: 'https://a.example https://b.example https://c.example https://d.example' }), ['links:3+'], []],
    ['website features', doc({ website: 'https://roofing-contractor-dallas.com' }),
      ['has_website', 'website_domain:roofing-contractor-dallas.com', 'website_hyphenated', 'website_word:roofing'], ['no_website']],
    ['no website', doc(), ['no_website', 'links:0'], ['has_website']],
    ['name features', doc({ name: 'Cheap Pills 24' }), ['name:cheap', 'name:pills', 'name_has_digit', 'name_words:3'], []],
    ['email domain only, never the address', doc({ email: 'spammer123@mail.example' }), ['email_domain:mail.example', 'email_digits'], []],
    ['shape', doc({ body: 'CALL NOW +1 (555) 201-4432 AND WIN $500 CASH TODAY!!!' }), ['caps:high', 'exclaim:many', 'contact:phone', 'has_money', 'money:big'], []],
    ['premium-rate reply', doc({ body: 'Txt WIN to 87121 now' }), ['contact:shortcode'], []],
    ['a business writing as itself', doc({ email: 'info@roofing-dallas.example', website: 'https://roofing-dallas.example' }),
      ['email_role', 'email_at_website'], []],
    ['a person with a personal site', doc({ email: 'jane@example.org', website: 'https://jane.blog' }), [], ['email_role', 'email_at_website']],
    ['long numbers collapse', doc({ body: 'order 1234567' }), ['num:long'], ['1234567']],
  ])('%s', (_case, input, present, absent) => {
    const tokens = tokenize(input);
    for (const t of present) expect(tokens).toContain(t);
    for (const t of absent) expect(tokens).not.toContain(t);
  });

  test('the email address itself is never a token', () => {
    const tokens = tokenize(doc({ email: 'secret.person@example.org' }));
    expect(tokens.some((t) => t.includes('secret'))).toBe(false);
  });

  test('each token once, and a bounded number of them', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    const tokens = tokenize(doc({ body }));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(wordFeatures(doc({ body })).length).toBeLessThanOrEqual(600);
    expect(tokens.length).toBeLessThanOrEqual(600 + MAX_CHAR_GRAMS);
  });

  test('the tokens the site counts are the word features and the body\'s character trigrams', () => {
    const d = doc({ body: 'Txt WIN to 87121' });
    const tokens = tokenize(d);
    expect(tokens).toEqual([...wordFeatures(d), ...charGrams(d.body)]);
    expect(wordFeatures(d).some(isCharGram)).toBe(false);
  });
});

describe('charGrams', () => {
  test('trigrams of the folded body, spaces marking word edges', () => {
    expect(charGrams('Café!')).toEqual(['c3: ca', 'c3:caf', 'c3:afe', 'c3:fe ']);
  });
  test('case, accents and punctuation runs fold alike: the same spelling, the same pieces', () => {
    expect(charGrams('FREE  £1.50/msg')).toEqual(charGrams('free £1 50 msg'));
    expect(charGrams('FREE £1.50/msg')).toContain('c3:£1 ');
  });
  test('each once, bounded, all marked as the second opinion', () => {
    const grams = charGrams(Array.from({ length: 2000 }, (_, i) => `x${i}y`).join(' '));
    expect(grams.length).toBe(MAX_CHAR_GRAMS);
    expect(new Set(grams).size).toBe(grams.length);
    expect(grams.every(isCharGram)).toBe(true);
  });
  test('an empty body has none', () => {
    expect(charGrams('   ')).toEqual([]);
  });
});
