import { formTimingRule } from '../../../src/moderation/rules/formTimingRule';
import { honeypotRule } from '../../../src/moderation/rules/honeypotRule';
import type { FormTiming } from '../../../src/moderation/rules/types';
import { NOW, ruleInput } from './ruleInput';

const secondsAgo = (s: number): FormTiming => ({ kind: 'valid', renderedAt: new Date(NOW.getTime() - s * 1000) });

describe('honeypotRule', () => {
  test.each([
    ['absent', undefined, null],
    ['empty', '', null],
    ['whitespace', '   ', null],
    ['filled', 'http://bot.example', { decision: 'spam', reasons: ['honeypot'] }],
  ])('%s', (_case, honeypot, expected) => {
    expect(honeypotRule(ruleInput({ honeypot }))).toEqual(expected);
  });
});

describe('formTimingRule', () => {
  test.each([
    ['slow human', secondsAgo(40), {}, null],
    ['exactly the minimum', secondsAgo(3), {}, null],
    ['too fast', secondsAgo(1), {}, { decision: 'spam', reasons: ['too_fast:1s<3s'] }],
    ['instant', secondsAgo(0), {}, { decision: 'spam', reasons: ['too_fast:0s<3s'] }],
    ['check off', secondsAgo(0), { minSubmitSeconds: 0 }, null],
    ['custom minimum', secondsAgo(5), { minSubmitSeconds: 8 }, { decision: 'spam', reasons: ['too_fast:5s<8s'] }],
    ['no token (API client) passes', { kind: 'absent' }, {}, null],
    ['no token when the site requires one', { kind: 'absent' }, { requireFormToken: true }, { decision: 'hold', reasons: ['no_form_token'] }],
    ['forged token holds', { kind: 'invalid' }, {}, { decision: 'hold', reasons: ['bad_form_token'] }],
    ['token from yesterday holds', secondsAgo(25 * 3600), {}, { decision: 'hold', reasons: ['stale_form_token'] }],
    ['token from the future holds', secondsAgo(-60), {}, { decision: 'hold', reasons: ['stale_form_token'] }],
    ['small clock skew tolerated as too fast, not stale', secondsAgo(-2), {}, { decision: 'spam', reasons: ['too_fast:0s<3s'] }],
  ] as const)('%s', (_case, form, settings, expected) => {
    expect(formTimingRule(ruleInput({ form: form as FormTiming, settings }))).toEqual(expected);
  });
});
