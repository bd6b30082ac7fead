import { trainingTarget } from '../../../src/spam/trainOnDecision';
import { dayWindow, fillDays } from '../../../src/spam/spamDaily';
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

describe('spam per day window', () => {
  test('the last N UTC days, oldest first, zero-filled', () => {
    const window = dayWindow(new Date('2026-12-01T00:30:00Z'), 3);
    expect(window).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(fillDays(window, new Map([['2026-11-30', 4]]), new Map([['2026-12-01', 1]]))).toEqual([
      { date: '2026-11-29', spam: 0, restored: 0 },
      { date: '2026-11-30', spam: 4, restored: 0 },
      { date: '2026-12-01', spam: 0, restored: 1 },
    ]);
  });
  test('a month boundary and a leap day', () => {
    expect(dayWindow(new Date('2028-03-01T12:00:00Z'), 2)).toEqual(['2028-02-29', '2028-03-01']);
  });
});
