import { contactDetails } from '../../../src/text/contactDetails';

describe('contactDetails', () => {
  test.each([
    ['phone', 'Call now 1-800-555-0142', ['phone']],
    ['international phone', 'WhatsApp +44 7911 123456', ['phone', 'messenger']],
    ['email', 'Write to me natasha1993@mail.example', ['email']],
    ['telegram', 'Today: odds 25.00. Telegram @fixedmatchpro', ['messenger']],
    ['t.me link', 'join t.me/fxsignalsvip', ['messenger']],
    ['premium reply', 'Text FA to 87121 to receive entry', ['shortcode']],
    ['reply keyword', "You won't believe it. Reply G now to learn", ['shortcode']],
    ['bare short code', 'ringtoneking 84484', ['shortcode']],
    ['ordinary comment', 'The council met on Tuesday and 312 people answered the poll.', []],
    ['a reply to someone', '@Victor the minutes say otherwise', []],
    ['digits inside a cited link', 'open access: https://doi.org/10.1136/bmj-2025-081234 and the appendix', []],
    ['money and years', 'It cost £12,500 in 2019, up from £10,000 in 2015.', []],
  ])('%s', (_case, text, expected) => {
    expect(contactDetails(text)).toEqual(expected);
  });
});
