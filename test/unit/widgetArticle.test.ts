import { parseArticle } from '../../src/widget/article';
import { renderDemoPage } from '../../src/widget/demoPage';
import { html, raw } from '../../src/widget/html';

describe('the demo article format', () => {
  test('title first, then paragraphs; short lines without final punctuation are subheadings', () => {
    const article = parseArticle(
      'The Title\r\n\r\nFirst paragraph, which ends with a full stop.\n\nA Subheading\n\nA short line.\n\n"A quote"\n\n' +
        `${'Long line without a full stop '.repeat(4)}\n`,
    );
    expect(article.title).toBe('The Title');
    expect(article.blocks.map((b) => b.kind)).toEqual(['paragraph', 'subheading', 'paragraph', 'paragraph', 'paragraph']);
    expect(article.blocks[1].text).toBe('A Subheading');
  });

  test('the rendered page escapes the article text', () => {
    const page = renderDemoPage({
      article: { title: '<b>T</b>', blocks: [{ kind: 'paragraph', text: 'a < b & "c"' }] },
      site: 'demo',
      page: '/p"q',
      embedHref: '/embed/demo?page=%2Fp',
    }).value;
    expect(page).toContain('<h1>&lt;b&gt;T&lt;/b&gt;</h1>');
    expect(page).toContain('<p>a &lt; b &amp; &quot;c&quot;</p>');
    expect(page).toContain('data-page="/p&quot;q"');
  });
});

describe('html template', () => {
  test('escapes values, keeps nested templates and raw() as they are', () => {
    const inner = html`<i>${'<x>'}</i>`;
    expect(html`<p title="${'"q"'}">${inner}${raw('<br>')}${['a', '&']}${null}${false}</p>`.value).toBe(
      '<p title="&quot;q&quot;"><i>&lt;x&gt;</i><br>a&amp;</p>',
    );
  });
});
