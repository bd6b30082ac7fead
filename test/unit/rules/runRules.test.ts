import { runRules } from '../../../src/moderation/rules/runRules';
import { NOW, ruleInput } from './ruleInput';

const fiveLinks = 'https://1.example https://2.example https://3.example https://4.example https://5.example';
const proven = { provenReturning: true };

describe('runRules', () => {
  test.each([
    ['post mode publishes a normal comment', {}, 'approve', []],
    ['pre mode holds it', { settings: { mode: 'pre' as const } }, 'hold', ['pre_moderation']],
    ['five links wait', { comment: { body: fiveLinks } }, 'hold', ['links:5>2']],
    ['a block word goes to spam', { settings: { blockWords: ['viagra'] }, comment: { body: 'v i a g r a' } }, 'spam', ['block_word:viagra']],
    ['a held comment keeps every hold reason, without pre_moderation noise',
      { settings: { mode: 'pre' as const, holdWords: ['casino'] }, comment: { body: `casino ${fiveLinks}` } },
      'hold', ['hold_word:casino', 'links:5>2']],
    ['spam after a hold keeps the hold reasons too',
      { form: { kind: 'invalid' as const }, honeypot: undefined, settings: { blockWords: ['viagra'] }, comment: { body: 'viagra' } },
      'spam', ['bad_form_token', 'block_word:viagra']],
    ['ban ends the run before anything else', { bans: [{ kind: 'ip' as const, value: '198.51.100.7', expiresAt: null }], honeypot: 'x' }, 'reject', ['banned:ip']],
    ['honeypot', { honeypot: 'bot' }, 'spam', ['honeypot']],
    ['proven returning author in pre mode is approved', { author: proven, settings: { mode: 'pre' as const } }, 'approve', ['returning_author']],
    ['returning author is not approved when held', { author: proven, comment: { body: fiveLinks } }, 'hold', ['links:5>2']],
    ['returning author with a link is not approved over the spam threshold',
      { author: proven, spamScore: 0.95, comment: { body: 'see https://pills.example' } }, 'spam', ['spam_score:0.95', 'links:1']],
    ['returning author with a suspicious score waits', { author: proven, spamScore: 0.75 }, 'hold', ['spam_score:0.75']],
    ['a block word on a comment the trained model finds ordinary waits',
      { settings: { blockWords: ['xxx'] }, spamScore: 0.02, comment: { body: 'see you tomorrow love xxx' } }, 'hold', ['block_word:xxx', 'spam_score:0.02']],
    ['a block word with a link is spam whatever the score',
      { settings: { blockWords: ['viagra'] }, spamScore: 0.02, comment: { body: 'viagra https://pills.example' } }, 'spam', ['block_word:viagra', 'links:1']],
    ['returning author with a block word is spam', { author: proven, settings: { blockWords: ['casino'] }, comment: { body: 'casino' } }, 'spam', ['block_word:casino']],
    ['too fast bot', { form: { kind: 'valid' as const, renderedAt: new Date(NOW.getTime() - 500) } }, 'spam', ['too_fast:0s<3s']],
  ])('%s', (_case, overrides, decision, reasons) => {
    expect(runRules(ruleInput(overrides))).toEqual({ decision, reasons });
  });
});
