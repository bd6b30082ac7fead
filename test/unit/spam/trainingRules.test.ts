import { trainingTarget } from '../../../src/spam/trainOnDecision';
import { DAILY_FLOOR, dailyAllowance, utcDay } from '../../../src/spam/trainingBudget';

describe('trainingTarget: what a decision teaches', () => {
  test.each([
    ['approve', 'pending', 'approved', 'ham'],
    ['mark spam', 'approved', 'spam', 'spam'],
    ['"Not spam": restore from spam', 'spam', 'pending', 'ham'],
    ['approve from spam', 'spam', 'approved', 'ham'],
    ['restore from approved takes the decision back', 'approved', 'pending', null],
    ['restore from rejected', 'rejected', 'pending', null],
    ['reject teaches nothing', 'pending', 'rejected', null],
    ['delete keeps what was learned', 'approved', 'deleted', undefined],
  ] as const)('%s', (_case, from, to, expected) => {
    expect(trainingTarget(from, to)).toBe(expected);
  });
});

describe('dailyAllowance: the poisoning bound', () => {
  test('a young site: the floor', () => {
    expect(dailyAllowance('spam', { spamDocs: 30, hamDocs: 30 })).toBe(DAILY_FLOOR);
  });
  test('a site that learned a lot: a tenth of what it learned under that label', () => {
    expect(dailyAllowance('spam', { spamDocs: 1000, hamDocs: 5000 })).toBe(100);
    expect(dailyAllowance('ham', { spamDocs: 1000, hamDocs: 5000 })).toBe(500);
  });
  test('days are UTC', () => {
    expect(utcDay(new Date('2026-12-01T23:30:00-05:00'))).toBe('2026-12-02');
  });
});
