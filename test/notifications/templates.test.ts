import { renderModeratorEmail } from '../../src/notifications/templates/moderatorEmail';
import { renderDigestEmail } from '../../src/notifications/templates/digestEmail';
import { renderApprovedEmail, renderReplyEmail } from '../../src/notifications/templates/authorEmails';

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> & ' \``;

function heldComment(over: Partial<Parameters<typeof renderModeratorEmail>[0]['comment']> = {}) {
  return {
    id: '6f1c2d3e-0000-4000-8000-000000000001',
    name: `Jane ${hostile}`,
    email: 'jane@example.org',
    website: `javascript:alert(1)//${hostile}`,
    body: `First line\nSecond line ${hostile}`,
    reasons: ['links:3>2', `hold_word:${hostile}`],
    status: 'pending',
    createdAt: new Date('2026-11-29T10:00:00Z'),
    isReply: false,
    pageTitle: `Title ${hostile}`,
    pageUrl: 'https://news.example/a?x=1&y=2',
    pageKey: '/a',
    ...over,
  };
}

const links = {
  approve: 'https://c.example/moderate/AAA',
  reject: 'https://c.example/moderate/BBB',
  spam: 'https://c.example/moderate/CCC',
};

function expectNoRawHtml(html: string) {
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain('href="javascript:');
}

describe('moderator email', () => {
  const email = renderModeratorEmail({
    site: { id: 'demo', name: `Demo ${hostile}` },
    moderatorName: 'Mo',
    comment: heldComment(),
    links,
    moderationUrl: 'https://c.example/api/v1/moderation/comments?status=pending&site=demo',
  });

  test('has subject, text and html with every fact and link', () => {
    for (const part of [email.text, email.html]) {
      expect(part).toContain('jane@example.org');
      expect(part).toContain(links.approve);
      expect(part).toContain(links.reject);
      expect(part).toContain(links.spam);
      expect(part).toContain('https://c.example/api/v1/moderation/comments?status=pending');
    }
    expect(email.text).toContain('links:3>2');
    expect(email.html).toContain('links:3&gt;2');
    expect(email.text).toContain('Second line');
    expect(email.text).toContain('https://news.example/a?x=1&y=2');
    expect(email.html).toContain('href="https://news.example/a?x=1&amp;y=2"');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  test('escapes every interpolated value in the html part', () => {
    expectNoRawHtml(email.html);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});

test('digest lists each comment with its own links and counts the rest', () => {
  const d = renderDigestEmail({
    site: { id: 'demo', name: 'Demo' },
    moderatorName: 'Mo',
    comments: [
      { comment: heldComment(), links },
      { comment: heldComment({ id: '6f1c2d3e-0000-4000-8000-000000000002', body: 'second' }), links },
    ],
    totalPending: 5,
    moderationUrl: 'https://c.example/q',
  });
  expect(d.subject).toContain('5 comments waiting');
  expect(d.text).toContain('...and 3 more');
  expect(d.html).toContain('…and 3 more');
  expectNoRawHtml(d.html);
});

describe('author emails', () => {
  test('reply email names the replier but shows no address, and carries the unsubscribe link', () => {
    const r = renderReplyEmail({
      siteName: 'Demo',
      recipientName: 'Parent',
      replierName: `Rep ${hostile}`,
      replyBody: `Reply ${hostile}`,
      parentBody: 'Parent text',
      pageTitle: 'Page',
      replyUrl: 'https://news.example/a#parley-1',
      unsubscribeUrl: 'https://c.example/unsubscribe/TOKEN',
    });
    expect(r.text + r.html).not.toMatch(/@/);
    expect(r.text).toContain('https://c.example/unsubscribe/TOKEN');
    expect(r.html).toContain('href="https://c.example/unsubscribe/TOKEN"');
    expect(r.html).toContain('https://news.example/a#parley-1');
    expectNoRawHtml(r.html);
  });

  test('approved email links to the comment, never to a javascript: page URL', () => {
    const ok = renderApprovedEmail({
      siteName: 'Demo', authorName: 'A', body: 'b', pageTitle: 'P',
      commentUrl: 'https://news.example/a#parley-9', unsubscribeUrl: 'https://c.example/unsubscribe/T',
      verifyEmailUrl: 'https://c.example/verify-email/V',
    });
    expect(ok.text).toContain('https://news.example/a#parley-9');
    expect(ok.text).toContain('Confirm this address: https://c.example/verify-email/V');
    expect(ok.html).toContain('href="https://c.example/verify-email/V"');
    const bad = renderApprovedEmail({
      siteName: 'Demo', authorName: 'A', body: 'b', pageTitle: 'P',
      commentUrl: 'javascript:alert(1)#parley-9', unsubscribeUrl: 'https://c.example/unsubscribe/T',
      verifyEmailUrl: 'https://c.example/verify-email/V',
    });
    expect(bad.html).not.toContain('javascript:');
  });
});
