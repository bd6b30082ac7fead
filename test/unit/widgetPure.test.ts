import { avatarColour, avatarHue, AVATAR_HUES, hueColour, initials } from '../../widget/avatar';
import { apiBaseFromScriptSrc } from '../../widget/config';
import { safeHttpUrl } from '../../widget/links';
import { en, fr, pickLang, STRINGS } from '../../widget/strings';
import { exactTime, relativeTime } from '../../widget/time';

describe('avatar', () => {
  test.each([
    ['Jane Reader', 'JR'],
    ['jane', 'J'],
    ['  Marie-Claude   de la Tour ', 'MT'],
    ['Émile Zola', 'ÉZ'],
    ['李 小龍', '李小'],
    ['😀 Smile', 'S'],
    ['<script>', 'S'],
    ['***', '?'],
    ['', '?'],
  ])('initials of %j are %j', (name, expected) => {
    expect(initials(name)).toBe(expected);
  });

  test('the colour depends on the name only, ignoring case and outer spaces', () => {
    expect(avatarColour('Jane Reader')).toBe(avatarColour(' jane reader '));
    const hues = new Set(['Ann', 'Bob', 'Chloé', 'Dmitri', 'Eve', 'Farid', 'Gao', 'Hana'].map(avatarHue));
    expect(hues.size).toBeGreaterThan(4);
  });

  test('white initials meet WCAG AA contrast (4.5:1) on every hue', () => {
    for (let i = 0; i < AVATAR_HUES; i++) {
      const [r, g, b] = hslToRgb(i * 10, 0.5, 0.3);
      const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      expect(1.05 / (lum + 0.05)).toBeGreaterThanOrEqual(4.5);
      expect(hueColour(i * 10)).toBe(`hsl(${i * 10}, 50%, 30%)`);
    }
  });
});

describe('links', () => {
  test.each([
    ['https://jane.example', 'https://jane.example/'],
    ['http://jane.example/a?b=c', 'http://jane.example/a?b=c'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['//evil.example', null],
    ['jane.example', null],
    [null, null],
  ])('safeHttpUrl(%j) is %j', (input, expected) => {
    expect(safeHttpUrl(input)).toBe(expected);
  });
});

describe('strings', () => {
  test('every language has every string of English', () => {
    for (const strings of Object.values(STRINGS)) {
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
    }
  });

  test('the form reads as readers know it', () => {
    expect(en.leaveReply).toBe('Leave a Reply');
    expect(en.emailNote).toBe('Your email address will not be published. Required fields are marked *');
    expect(en.notify).toBe('Notify me of replies by email');
    expect(en.save).toBe('Save my name, email, and website in this browser for the next time I comment');
    expect(en.awaiting).toBe('Your comment is awaiting moderation');
  });

  test('counts agree in number', () => {
    expect([0, 1, 2].map(en.count)).toEqual(['0 comments', '1 comment', '2 comments']);
    expect([0, 1, 2].map(fr.count)).toEqual(['0 commentaire', '1 commentaire', '2 commentaires']);
  });

  test.each([
    [['fr'], 'fr'],
    [['fr-CA'], 'fr'],
    [['FR_ca'], 'fr'],
    [[undefined, 'fr-CA'], 'fr'],
    [['', null, 'fr'], 'fr'],
    [['en-CA', 'fr'], 'en'],
    [['de', 'fr'], 'en'],
    [[], 'en'],
  ])('pickLang(%j) is %s', (candidates, expected) => {
    expect(pickLang(...(candidates as string[]))).toBe(expected);
  });
});

describe('time', () => {
  const now = new Date('2026-01-14T12:00:00Z');
  test.each([
    ['2026-01-14T11:59:40Z', 'en', 'now'],
    ['2026-01-14T11:55:00Z', 'en', '5 minutes ago'],
    ['2026-01-14T09:00:00Z', 'en', '3 hours ago'],
    ['2026-01-13T12:00:00Z', 'en', 'yesterday'],
    ['2025-12-01T12:00:00Z', 'en', 'last month'],
    ['2026-01-14T11:55:00Z', 'fr', 'il y a 5 minutes'],
  ])('%s relative to noon in %s is %j', (iso, lang, expected) => {
    expect(relativeTime(iso, now, lang)).toBe(expected);
  });

  test('the exact time is spelled out', () => {
    expect(exactTime('2026-01-14T09:05:00Z', 'en', 'UTC')).toBe('January 14, 2026 at 9:05 AM');
  });
});

describe('config', () => {
  test.each([
    ['https://comments.example/widget.js', 'https://comments.example'],
    ['https://comments.example/parley/widget.js?v=abc', 'https://comments.example/parley'],
    ['http://127.0.0.1:3000/widget.js', 'http://127.0.0.1:3000'],
  ])('the API base of %s is %s', (src, base) => {
    expect(apiBaseFromScriptSrc(src)).toBe(base);
  });
});

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0), f(8), f(4)];
}
function lin(c: number): number {
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
