/** Only http(s) websites become links; anything else (javascript:, data:, relative) is dropped. */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export const AUTHOR_LINK_REL = 'nofollow ugc noopener';
