import { renderCommentHtml } from '../../src/comments/renderCommentHtml';
import { findLinks } from '../../src/moderation/rules/linkRule';

/**
 * The comment Markdown subset, input by input, with the exact HTML readers get. Plain text renders as it
 * did before Markdown (paragraphs, <br>, bare http(s) links); hostile input stays text.
 */
const A = (href: string, text = href) => `<a href="${href}" rel="nofollow ugc noopener" target="_blank">${text}</a>`;

const PLAIN: [string, string, string][] = [
  ['one line', 'Hello world', '<p>Hello world</p>'],
  ['line break', 'Line one\nLine two', '<p>Line one<br />Line two</p>'],
  ['paragraphs, blank and whitespace-only lines', 'Para one\n\nPara two\n\n\n  \nPara three', '<p>Para one</p><p>Para two</p><p>Para three</p>'],
  ['CRLF', 'a\r\nb', '<p>a<br />b</p>'],
  ['trimmed', '  leading and trailing  ', '<p>leading and trailing</p>'],
  ['bare URL, trailing dot outside', 'See https://example.com/a?b=1&c=2.', `<p>See ${A('https://example.com/a?b=1&amp;c=2')}.</p>`],
  ['URL in parentheses', 'Ends with (https://example.com/x)', `<p>Ends with (${A('https://example.com/x')})</p>`],
  ['percent-escapes kept as written', 'https://example.com/%E2%9C%93', `<p>${A('https://example.com/%E2%9C%93')}</p>`],
  ['no fuzzy links', 'www.example.com and example.com', '<p>www.example.com and example.com</p>'],
  ['other schemes stay text', 'ftp://x.org mailto:a@b.c javascript:alert(1)', '<p>ftp://x.org mailto:a@b.c javascript:alert(1)</p>'],
  ['special characters', 'Tom & Jerry "q" \'s', '<p>Tom &amp; Jerry "q" \'s</p>'],
  ['entities are text', '&amp; &lt; AT&T', '<p>&amp;amp; &amp;lt; AT&amp;T</p>'],
  ['bidi override removed', 'a\u202Eb', '<p>ab</p>'],
  ['empty', '   ', ''],
  ['underscores inside words', 'snake_case_name and 2*3', '<p>snake_case_name and 2*3</p>'],
  ['indentation is not code', '    indented text', '<p>indented text</p>'],
];

const FORMATTED: [string, string, string][] = [
  ['emphasis and strong', '**bold** and *em* and _em_', '<p><strong>bold</strong> and <em>em</em> and <em>em</em></p>'],
  ['inline code keeps markup as text', 'use `<b>` here', '<p>use <code>&lt;b&gt;</code> here</p>'],
  ['fenced code, language dropped', '```js\nconst a = "<x>";\n```', '<pre><code>const a = "&lt;x&gt;";\n</code></pre>'],
  ['block quote then text', '> quote\n> more\n\nafter', '<blockquote><p>quote<br />more</p></blockquote><p>after</p>'],
  ['nested quote', '> quote\n>> nested', '<blockquote><p>quote</p><blockquote><p>nested</p></blockquote></blockquote>'],
  ['lists', '- a\n- b\n\n1. x\n2. y', '<ul><li>a</li><li>b</li></ul><ol><li>x</li><li>y</li></ol>'],
  ['ordered list keeps its number', '2026. What a year', '<ol start="2026"><li>What a year</li></ol>'],
  ['link', '[ok](https://a.example/p "title")', `<p>${A('https://a.example/p', 'ok')}</p>`],
  ['bold link', '**[link](https://a.example)**', `<p><strong>${A('https://a.example', 'link')}</strong></p>`],
  ['bare URL beside a link', 'https://a.example and [b](https://b.example)', `<p>${A('https://a.example')} and ${A('https://b.example', 'b')}</p>`],
  ['no link inside code', '`https://a.example`', '<p><code>https://a.example</code></p>'],
  ['backslash escapes', '\\*not em\\*', '<p>*not em*</p>'],
];

const NOT_IN_THE_SUBSET: [string, string, string][] = [
  ['headings', '# Heading\n## two', '<p># Heading<br />## two</p>'],
  ['rules', '---', '<p>---</p>'],
  ['tables', '| a | b |\n|---|---|', '<p>| a | b |<br />|---|---|</p>'],
  ['images become a plain link', '![img](https://a.example/i.png)', `<p>!${A('https://a.example/i.png', 'img')}</p>`],
  ['strikethrough', '~~strike~~', '<p>~~strike~~</p>'],
  ['reference definitions stay visible', '[ref]\n\n[ref]: https://a.example', `<p>[ref]</p><p>[ref]: ${A('https://a.example')}</p>`],
  ['autolinks are text around a bare link', '<https://a.example>', `<p>&lt;${A('https://a.example')}&gt;</p>`],
];

const HOSTILE: [string, string, string][] = [
  ['javascript: link', '[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>'],
  ['mixed-case javascript: link', '[x](JaVaScRiPt:alert(1))', '<p>[x](JaVaScRiPt:alert(1))</p>'],
  ['javascript: with entity', '[x](javascript&#58;alert(1))', '<p>[x](javascript&amp;#58;alert(1))</p>'],
  ['data: link', '[x](data:text/html;base64,PHNjcmlwdD4=)', '<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>'],
  ['data: image', '![x](data:image/png;base64,AAAA)', '<p>![x](data:image/png;base64,AAAA)</p>'],
  ['relative link', '[x](/relative)', '<p>[x](/relative)</p>'],
  ['protocol-relative link', '[x](//evil.example)', '<p>[x](//evil.example)</p>'],
  ['quote breaking out of href', '[x](https://a.example/"onmouseover="alert(1))', `<p>${A('https://a.example/%22onmouseover=%22alert(1)', 'x')}</p>`],
  ['script tag is text', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
  ['HTML link is text', '<a href="javascript:x">x</a>', '<p>&lt;a href="javascript:x"&gt;x&lt;/a&gt;</p>'],
  ['br tag is text', 'x<br>y', '<p>x&lt;br&gt;y</p>'],
  ['event handler in emphasis', '*<img src=x onerror=alert(1)>*', '<p><em>&lt;img src=x onerror=alert(1)&gt;</em></p>'],
  ['unclosed fence runs to the end, as text', '```\nunclosed fence\n<script>', '<pre><code>unclosed fence\n&lt;script&gt;</code></pre>'],
  ['fence info string cannot inject', '```"><script>\ncode\n```', '<pre><code>code\n</code></pre>'],
];

describe('comment Markdown subset', () => {
  test.each([...PLAIN, ...FORMATTED, ...NOT_IN_THE_SUBSET, ...HOSTILE])('%s', (_name, input, html) => {
    expect(renderCommentHtml(input)).toBe(html);
  });

  test('quotes nested very deep stop nesting and keep every character as text', () => {
    const html = renderCommentHtml(`${'> '.repeat(200)}deep`);
    expect(html).toBe(`${'<blockquote>'.repeat(16)}<p>${'&gt; '.repeat(184)}deep</p>${'</blockquote>'.repeat(16)}`);
    const lists = renderCommentHtml(`${'- '.repeat(40)}x`);
    expect(lists).toBe(`${'<ul><li>'.repeat(8)}${'- '.repeat(32)}x${'</li></ul>'.repeat(8)}`);
  });

  test('10,000 asterisks (and other pathological runs) render as text', () => {
    expect(renderCommentHtml('*'.repeat(10_000))).toBe(`<p>${'*'.repeat(10_000)}</p>`);
    expect(renderCommentHtml('_'.repeat(10_000))).toBe(`<p>${'_'.repeat(10_000)}</p>`);
    expect(renderCommentHtml('*a '.repeat(5_000))).toMatch(/^<p>(<em>|\*)a/);
    expect(renderCommentHtml(`${'['.repeat(10_000)}x`)).toBe(`<p>${'['.repeat(10_000)}x</p>`);
    expect(renderCommentHtml(`a ${'`'.repeat(5_000)} b`)).toBe(`<p>a ${'`'.repeat(5_000)} b</p>`);
  });

  test('the same body twice gives the same HTML (render cache)', () => {
    const body = `cached **${Math.random()}**`;
    expect(renderCommentHtml(body)).toBe(renderCommentHtml(body));
  });

  test('the link-limit rule counts Markdown links as links', () => {
    expect(findLinks('[one](https://a.example) and [two](http://b.example/x) and https://c.example')).toHaveLength(3);
  });
});
