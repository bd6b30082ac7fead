import { lengthErrors } from '../../../src/moderation/rules/lengthLimits';
import { isPageClosed } from '../../../src/moderation/rules/pageClosed';
import { NOW } from './ruleInput';

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('isPageClosed', () => {
  test.each([
    ['open, never closes', { createdAt: daysAgo(400), closed: false }, null, false],
    ['closed by a moderator', { createdAt: daysAgo(0), closed: true }, null, true],
    ['younger than the limit', { createdAt: daysAgo(13.9), closed: false }, 14, false],
    ['exactly the limit', { createdAt: daysAgo(14), closed: false }, 14, true],
    ['older than the limit', { createdAt: daysAgo(30), closed: false }, 14, true],
  ])('%s', (_case, page, closeAfterDays, expected) => {
    expect(isPageClosed(page, { closeAfterDays }, NOW)).toBe(expected);
  });
});

describe('lengthErrors', () => {
  const limits = { name: 5, website: 20, body: 10 };
  test.each([
    ['all fine', { name: 'Ann', website: null, body: 'Hello' }, {}],
    ['long name', { name: 'Annabel', website: null, body: 'Hello' }, { name: 'Use at most 5 characters.' }],
    ['empty name', { name: '  ', website: null, body: 'Hello' }, { name: 'Enter your name.' }],
    ['long website', { name: 'Ann', website: 'https://a-long-site.example', body: 'Hello' }, { website: 'Use at most 20 characters.' }],
    ['long body', { name: 'Ann', website: null, body: 'Hello there!' }, { body: 'Use at most 10 characters.' }],
    ['empty body', { name: 'Ann', website: null, body: '\n' }, { body: 'Write a comment.' }],
    ['emoji count as one character', { name: '😀😀😀😀😀', website: null, body: '😀'.repeat(10) }, {}],
  ])('%s', (_case, comment, expected) => {
    expect(lengthErrors(comment, limits)).toEqual(expected);
  });
});
