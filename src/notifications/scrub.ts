/**
 * Removes email addresses from text that ends up in logs, Job.lastError or operator output.
 * SMTP servers love to echo recipients ("550 5.1.1 <bob@example.org>: user unknown").
 */
const EMAIL_RE = /[^\s<>()"',;:\[\]]+@[^\s<>()"',;:\[\]]+/g;

export function scrubEmails(text: string): string {
  return text.replace(EMAIL_RE, '[email]');
}

/** A short, email-free description of an error, for Job.lastError. */
export function describeError(err: unknown, maxLength = 1000): string {
  let text: string;
  if (err instanceof Error) {
    const e = err as Error & { code?: string; responseCode?: number; response?: string };
    const parts = [e.code, e.responseCode, e.response ?? e.message].filter((p) => p !== undefined && p !== '');
    text = parts.join(' ');
  } else {
    text = String(err);
  }
  text = scrubEmails(text.replace(/\s+/g, ' ').trim());
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
