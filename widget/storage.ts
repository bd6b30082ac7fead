/**
 * Everything the widget keeps in the reader's browser. localStorage can throw (private modes,
 * sandboxed iframes, full quota); the widget then simply forgets.
 */
const MAX_TOKENS = 30;

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage unavailable: nothing to keep */
  }
}

const tokenKey = (site: string) => `parley.owner.${site}`;

/** Owner tokens let this browser see its own pending comments, per site. */
export function ownerTokens(site: string): string[] {
  const list = read<unknown>(tokenKey(site));
  return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string' && /^[\w.~+/=-]+$/.test(t)) : [];
}

export function addOwnerToken(site: string, token: string): void {
  const list = ownerTokens(site).filter((t) => t !== token);
  list.push(token);
  write(tokenKey(site), list.slice(-MAX_TOKENS));
}

export interface SavedAuthor {
  name: string;
  email: string;
  website: string;
}

const AUTHOR_KEY = 'parley.author';

export function savedAuthor(): SavedAuthor | null {
  const a = read<Partial<SavedAuthor>>(AUTHOR_KEY);
  if (!a || typeof a.name !== 'string' || typeof a.email !== 'string') return null;
  return { name: a.name, email: a.email, website: typeof a.website === 'string' ? a.website : '' };
}

/** Called only when the reader ticks "Save my name…"; unticking forgets them. */
export function saveAuthor(author: SavedAuthor | null): void {
  write(AUTHOR_KEY, author);
}
