import type { SiteSettings } from '../../sites/siteSettings';

/** Length is counted in characters as people see them (code points), not UTF-16 units. */
const length = (s: string) => Array.from(s).length;

/** Field errors for a name, website or body longer than the site allows (or an empty name/body). */
export function lengthErrors(
  comment: { name: string; website: string | null; body: string },
  limits: SiteSettings['limits'],
): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = comment.name.trim();
  const body = comment.body.trim();
  if (name === '') errors.name = 'Enter your name.';
  else if (length(name) > limits.name) errors.name = `Use at most ${limits.name} characters.`;
  if (comment.website && length(comment.website.trim()) > limits.website) {
    errors.website = `Use at most ${limits.website} characters.`;
  }
  if (body === '') errors.body = 'Write a comment.';
  else if (length(body) > limits.body) errors.body = `Use at most ${limits.body} characters.`;
  return errors;
}
