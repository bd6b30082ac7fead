import { modeRule } from '../../../src/moderation/rules/modeRule';
import { returningAuthorRule } from '../../../src/moderation/rules/returningAuthorRule';
import { spamScoreRule } from '../../../src/moderation/rules/spamScoreRule';
import { ruleInput } from './ruleInput';

describe('spamScoreRule', () => {
  test.each([
    ['untrained model', null, null],
    ['clean', 0.05, null],
    ['suspicious holds', 0.75, { decision: 'hold', reasons: ['spam_score:0.75'] }],
    ['at the threshold is spam', 0.9, { decision: 'spam', reasons: ['spam_score:0.90'] }],
    ['high', 0.976, { decision: 'spam', reasons: ['spam_score:0.97'] }],
  ])('%s', (_case, spamScore, expected) => {
    expect(spamScoreRule(ruleInput({ spamScore }))).toEqual(expected);
  });
});

describe('returningAuthorRule', () => {
  test.each([
    ['proven', true, true, { decision: 'approve', reasons: ['returning_author'] }],
    ['not proven', false, true, null],
    ['site turned it off', true, false, null],
  ])('%s', (_case, provenReturning, autoApproveReturning, expected) => {
    expect(returningAuthorRule(ruleInput({ author: { provenReturning }, settings: { autoApproveReturning } }))).toEqual(expected);
  });
});

describe('modeRule', () => {
  test.each([
    ['pre', { decision: 'hold', reasons: ['pre_moderation'] }],
    ['post', { decision: 'approve', reasons: [] }],
  ] as const)('%s', (mode, expected) => {
    expect(modeRule(ruleInput({ settings: { mode } }))).toEqual(expected);
  });
});
