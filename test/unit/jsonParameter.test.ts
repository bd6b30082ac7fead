import { jsonParameter } from '../../src/db/jsonParameter';

describe('jsonParameter', () => {
  test('a lone surrogate becomes U+FFFD, as it would as a plain text parameter; pairs stay', () => {
    const text = jsonParameter({ body: 'lone \uD800 high, lone \uDC00 low, pair 👩🏽‍💻', tokens: ['a\uDBFF'] });
    expect(text).not.toMatch(/\\u[dD][89a-fA-F]/);
    expect(JSON.parse(text)).toEqual({ body: 'lone \uFFFD high, lone \uFFFD low, pair 👩🏽‍💻', tokens: ['a\uFFFD'] });
  });

  test('text that only looks like an escape, dates and everything else come out as JSON.stringify writes them', () => {
    const value = { typed: 'a reader typed \\ud800 and \\uDFFF', at: new Date(0), n: 1.5, none: null, list: ['x', 'y'] };
    expect(jsonParameter(value)).toBe(JSON.stringify(value));
  });
});
