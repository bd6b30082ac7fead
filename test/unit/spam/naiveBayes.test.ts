import { chi2Q, MemoryModel, scoreTokens, tokenProbability } from '../../../src/spam/naiveBayes';

describe('tokenProbability', () => {
  const stats = { spamDocs: 10, hamDocs: 10 };
  test.each([
    ['only in spam, often', { spam: 10, ham: 0 }, (p: number) => p > 0.95],
    ['only in ham, often', { spam: 0, ham: 10 }, (p: number) => p < 0.05],
    ['seen once in spam is pulled towards 0.5', { spam: 1, ham: 0 }, (p: number) => p > 0.8 && p < 0.9],
    ['balanced', { spam: 5, ham: 5 }, (p: number) => Math.abs(p - 0.5) < 1e-9],
    ['never seen', { spam: 0, ham: 0 }, (p: number) => p === 0.5],
  ])('%s', (_case, counts, check) => {
    expect(check(tokenProbability(counts, stats))).toBe(true);
  });
});

describe('chi2Q', () => {
  test.each([
    [0, 2, 1],
    [2, 2, Math.exp(-1)],
    [4, 4, Math.exp(-2) * 3],
  ])('chi2Q(%d, %d)', (x2, v, expected) => {
    expect(chi2Q(x2, v)).toBeCloseTo(expected, 10);
  });
});

describe('scoreTokens', () => {
  const counts = new Map([
    ['viagra', { spam: 20, ham: 0 }],
    ['cheap', { spam: 15, ham: 1 }],
    ['council', { spam: 0, ham: 18 }],
    ['bus', { spam: 0, ham: 9 }],
    ['the', { spam: 20, ham: 20 }],
  ]);
  const stats = { spamDocs: 20, hamDocs: 20 };
  test.each([
    ['spammy', ['viagra', 'cheap', 'the'], (s: number) => s > 0.95],
    ['hammy', ['council', 'bus', 'the'], (s: number) => s < 0.05],
    ['mixed is unsure', ['viagra', 'council'], (s: number) => s > 0.2 && s < 0.8],
    ['unknown words only', ['zebra'], (s: number) => s === 0.5],
  ])('%s', (_case, tokens, check) => {
    expect(check(scoreTokens(tokens, counts, stats)!)).toBe(true);
  });

  test('no score while either class has too few trained documents', () => {
    expect(scoreTokens(['viagra'], counts, { spamDocs: 20, hamDocs: 3 })).toBeNull();
  });
});

describe('MemoryModel', () => {
  test('training and untraining cancel out', () => {
    const model = new MemoryModel();
    model.train(['a', 'b'], 'spam');
    model.train(['a', 'b'], 'spam', -1);
    expect(model.stats).toEqual({ spamDocs: 0, hamDocs: 0 });
    expect(model.counts.get('a')).toEqual({ spam: 0, ham: 0 });
  });

  test('learns to separate after a few examples', () => {
    const model = new MemoryModel();
    for (let i = 0; i < 10; i++) {
      model.train(['buy', 'pills', `x${i}`], 'spam');
      model.train(['council', 'meeting', `y${i}`], 'ham');
    }
    expect(model.score(['buy', 'pills'])!).toBeGreaterThan(0.9);
    expect(model.score(['council', 'meeting'])!).toBeLessThan(0.1);
  });
});
