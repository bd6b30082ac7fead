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

const mineKey = (site: string) => `parley.mine.${site}`;
/**
 * This browser's own comments still in their edit window: id -> [owner token, editable until (ms), text].
 * The text as typed (Markdown) is what the Edit box starts from; the thread only carries HTML.
 */
type Mine = Record<string, [string, number, string]>;

function mine(site: string): Mine {
  const m = read<Mine>(mineKey(site));
  return m && typeof m === 'object' ? m : {};
}

/** Remembers which comment a token proves, and until when it may be edited or deleted. */
export function rememberMine(site: string, id: string, token: string, until: string | undefined, text: string): void {
  const at = Date.parse(until ?? '');
  if (!at) return;
  const now = Date.now();
  const kept = Object.entries(mine(site)).filter(([k, [, u]]) => u > now && k !== id);
  write(mineKey(site), Object.fromEntries([...kept, [id, [token, at, text]]].slice(-MAX_TOKENS)));
}

/** [owner token, text] of one of this browser's comments while it may still be edited, else null. */
export function editable(site: string, id: string): [string, string] | null {
  const e = mine(site)[id];
  return Array.isArray(e) && typeof e[0] === 'string' && e[1] > Date.now() ? [e[0], String(e[2] ?? '')] : null;
}

/** Drops entries whose window has closed (their text and token are of no more use here). */
export function forgetExpired(site: string): void {
  const m = mine(site);
  const kept = Object.entries(m).filter(([, e]) => Array.isArray(e) && e[1] > Date.now());
  if (kept.length !== Object.keys(m).length) write(mineKey(site), kept.length ? Object.fromEntries(kept) : null);
}

export function forgetMine(site: string, id: string): void {
  const m = mine(site);
  delete m[id];
  write(mineKey(site), m);
}

const SORT_KEY = 'parley.sort';
export const SORTS = ['oldest', 'newest', 'activity'] as const;
export type Sort = (typeof SORTS)[number];

/** The reader's chosen order of threads, for every site. */
export function savedSort(): Sort {
  const s = read<string>(SORT_KEY);
  return (SORTS as readonly string[]).includes(s ?? '') ? (s as Sort) : 'oldest';
}

export function saveSort(sort: Sort): void {
  write(SORT_KEY, sort === 'oldest' ? null : sort);
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
