import { backoffDelayMs } from '../../src/notifications/backoff';
import { describeError, scrubEmails } from '../../src/notifications/scrub';

describe('backoff', () => {
  const opts = { baseMs: 1000, maxMs: 60_000 };
  test.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [7, 30_000, 60_000],
    [30, 30_000, 60_000],
  ])('attempt %i waits between %i and %i ms', (attempt, lo, hi) => {
    expect(backoffDelayMs(attempt, opts, () => 0)).toBe(lo);
    expect(backoffDelayMs(attempt, opts, () => 1)).toBe(hi);
    const r = backoffDelayMs(attempt, opts);
    expect(r).toBeGreaterThanOrEqual(lo);
    expect(r).toBeLessThanOrEqual(hi);
  });
  test('jitter spreads retries', () => {
    const values = new Set(Array.from({ length: 50 }, () => backoffDelayMs(5, opts)));
    expect(values.size).toBeGreaterThan(10);
  });
});

describe('scrubbing addresses from errors', () => {
  test.each([
    ['550 5.1.1 <bob@example.org>: Recipient address rejected', '550 5.1.1 <[email]>: Recipient address rejected'],
    ['to jane.doe+x@sub.example.co.uk failed', 'to [email] failed'],
    ['Invalid "ünï@exämple.org",x', 'Invalid "[email]",x'],
  ])('%s', (input, expected) => {
    expect(scrubEmails(input)).toBe(expected);
  });
  test('describeError keeps code and response, not addresses', () => {
    const err = Object.assign(new Error('Message failed: 550 no such user bob@example.org'), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <bob@example.org> no such user',
    });
    const d = describeError(err);
    expect(d).toBe('EENVELOPE 550 550 5.1.1 <[email]> no such user');
    expect(d).not.toMatch(/@/);
  });
});
