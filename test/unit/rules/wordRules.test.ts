import { blockWordRule, holdWordRule } from '../../../src/moderation/rules/wordRules';
import { ruleInput } from './ruleInput';

const settings = { blockWords: ['viagra', 'work from home'], holdWords: ['casino', 'ass'] };

describe('blockWordRule', () => {
  test.each([
    ['plain word', 'buy viagra here', ['block_word:viagra']],
    ['upper case', 'BUY VIAGRA', ['block_word:viagra']],
    ['accents', 'víágrá for sale', ['block_word:viagra']],
    ['spacing', 'v i a g r a', ['block_word:viagra']],
    ['dots between letters', 'v.i.a.g.r.a', ['block_word:viagra']],
    ['repeated punctuation', 'v..i..a..g..r..a!!!', ['block_word:viagra']],
    ['hyphen inside', 'via-gra', ['block_word:viagra']],
    ['leetspeak', 'cheap v14gr4', ['block_word:viagra']],
    ['leet with symbols', 'v!@gr@ now', ['block_word:viagra']],
    ['Cyrillic look-alikes', 'vіаgrа', ['block_word:viagra']],
    ['Greek look-alikes', 'viαgrα', ['block_word:viagra']],
    ['fullwidth letters', 'ＶＩＡＧＲＡ', ['block_word:viagra']],
    ['zero-width characters', 'vi\u200Bag\u200Dra', ['block_word:viagra']],
    ['soft hyphen', 'via\u00ADgra', ['block_word:viagra']],
    ['stretched letters', 'viaaaagra', ['block_word:viagra']],
    ['phrase', 'Work  from\nhome and earn', ['block_word:work from home']],
    ['clean text', 'The council met on Tuesday.', null],
    ['word inside another word is not matched', 'viagrafalls is a place', null],
    ['phrase words apart are not matched', 'work hard, come home', null],
  ])('%s', (_case, body, reasons) => {
    const result = blockWordRule(ruleInput({ settings, comment: { body } }));
    expect(result).toEqual(reasons === null ? null : { decision: 'spam', reasons });
  });

  test('checks the name and website too', () => {
    expect(blockWordRule(ruleInput({ settings, comment: { name: 'Cheap Viagra' } }))?.decision).toBe('spam');
  });
});

describe('holdWordRule', () => {
  test.each([
    ['whole word', 'new casino licence', ['hold_word:casino']],
    ['not inside words', 'a classic bass line, passing by', null],
    ['leetspeak symbols at the end', 'what an a$$', ['hold_word:ass']],
    ['punctuation around the word', '"Casino!" he said', ['hold_word:casino']],
    ['several words each once', 'casino casino, ass', ['hold_word:casino', 'hold_word:ass']],
    ['numbers are not letters', '2024 was a year', null],
  ])('%s', (_case, body, reasons) => {
    const result = holdWordRule(ruleInput({ settings, comment: { body } }));
    expect(result).toEqual(reasons === null ? null : { decision: 'hold', reasons });
  });

  test('an empty list matches nothing', () => {
    expect(holdWordRule(ruleInput({ comment: { body: 'casino' } }))).toBeNull();
  });
});
