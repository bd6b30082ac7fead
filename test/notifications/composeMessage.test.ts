import { simpleParser } from 'mailparser';
import { composePlainMessage } from '../../src/notifications/mailTransport';

/** The worker's own MIME writer must give mail clients what nodemailer's composer did: names, subject, parts, headers. */
test('a composed notification parses back to the same names, subject, text, html and headers', async () => {
  const raw = composePlainMessage({ header: '"Parley" <parley@news.example>' }, {
    to: { name: 'Zoë "Q" Müller', address: 'zoe@example.org' },
    subject: '[Le Site] Nouveau commentaire de Zoë sur « Été » — une page au titre assez long pour être plié',
    text: 'Bonjour,\n.une ligne qui commence par un point\nÉté = été ' + 'x'.repeat(200),
    html: '<p>Héllo &amp; <b>bold</b></p>',
    messageId: '<parley-job-42@news.example>',
    headers: { 'X-Parley-Job': '42', 'List-Unsubscribe': `<https://news.example/unsubscribe/${'a'.repeat(150)}>` },
  });
  expect(raw).not.toBeNull();
  const mail = await simpleParser(raw!);
  expect(mail.subject).toBe('[Le Site] Nouveau commentaire de Zoë sur « Été » — une page au titre assez long pour être plié');
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  // Quotes in a display name become spaces (as nodemailer's path has always done).
  expect(to?.value[0]).toMatchObject({ name: 'Zoë  Q  Müller', address: 'zoe@example.org' });
  expect(mail.from?.value[0]).toMatchObject({ name: 'Parley', address: 'parley@news.example' });
  expect(mail.text).toContain('.une ligne qui commence par un point\nÉté = été ' + 'x'.repeat(200));
  expect(mail.html).toContain('<p>Héllo &amp; <b>bold</b></p>');
  expect(mail.messageId).toBe('<parley-job-42@news.example>');
  expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
  expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\s+/g, '')).toBe(`List-Unsubscribe:<https://news.example/unsubscribe/${'a'.repeat(150)}>`);
});

test('attachments and non-ASCII addresses are left to nodemailer', () => {
  const base = { to: { name: 'A', address: 'a@example.org' }, subject: 's', text: 't', html: 'h', messageId: '<m@x>' };
  expect(composePlainMessage({ header: 'p@x' }, { ...base, attachments: [{ filename: 'a.json', content: '{}', contentType: 'application/json' }] })).toBeNull();
  expect(composePlainMessage({ header: 'p@x' }, { ...base, to: { name: 'A', address: 'zoë@exämple.org' } })).toBeNull();
});
