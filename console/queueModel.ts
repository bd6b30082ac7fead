/**
 * The queue's rules that need no browser: what an action is called, how to undo it, which polled
 * comments are new, and how an item is labelled. Tested in test/unit/consoleQueueModel.test.ts.
 */
export type Status = 'pending' | 'approved' | 'rejected' | 'spam' | 'deleted';
export type Action = 'approve' | 'reject' | 'spam' | 'restore' | 'delete';

export const ACTION_TARGET: Record<Action, Status> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
  restore: 'pending',
  delete: 'deleted',
};

/** The action that puts a comment back in the status it had before: undo is just another action. */
export function undoActionFor(previous: Status): Action {
  switch (previous) {
    case 'approved':
      return 'approve';
    case 'rejected':
      return 'reject';
    case 'spam':
      return 'spam';
    case 'deleted':
      return 'delete';
    default:
      return 'restore';
  }
}

/** An action is pointless when the comment is already where it would put it ("Not spam" only makes sense on spam). */
export function actionApplies(action: Action, status: Status): boolean {
  if (action === 'restore') return status === 'spam';
  return ACTION_TARGET[action] !== status;
}

/** Comments from a poll that the list has not shown yet (nor already announced), in the server's order. */
export function newArrivals<T extends { id: string }>(known: ReadonlySet<string>, polled: readonly T[]): T[] {
  return polled.filter((c) => !known.has(c.id));
}

/** The first words of a comment's text, for labels: at most `words` words and 60 characters. */
export function firstWords(text: string, words = 8): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  let out = all.slice(0, words).join(' ');
  if (out.length > 60) out = `${out.slice(0, 59).trimEnd()}…`;
  else if (all.length > words) out += '…';
  return out;
}

/** The accessible name of a queue item: its author and first words. */
export function itemLabel(name: string, body: string): string {
  return `${name}: ${firstWords(body)}`;
}

/** The next index when moving by `delta` (j/k), kept inside the list; -1 stays -1 on an empty list. */
export function moveIndex(length: number, current: number, delta: number): number {
  if (length === 0) return -1;
  if (current < 0) return delta > 0 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, current + delta));
}

/** After an action, the cursor goes to the next item still to do, else stays where it is. */
export function nextOpenIndex(done: readonly boolean[], from: number): number {
  for (let i = from + 1; i < done.length; i++) if (!done[i]) return i;
  return from;
}

export interface QueueFilters {
  status: Status | 'all';
  site: string;
  page: string;
  q: string;
}

const STATUSES = ['pending', 'approved', 'rejected', 'spam', 'deleted', 'all'] as const;

/** Filters from the address bar (so a reload, or a link, keeps them); unknown values fall back to defaults. */
export function filtersFromSearch(search: string): QueueFilters {
  const p = new URLSearchParams(search);
  const status = p.get('status') ?? 'pending';
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as QueueFilters['status']) : 'pending',
    site: p.get('site') ?? '',
    page: p.get('page') ?? '',
    q: p.get('q') ?? '',
  };
}

/** The list endpoint's query string for these filters (empty filters are left out). */
export function filtersToQuery(f: QueueFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  p.set('status', f.status);
  if (f.site) p.set('site', f.site);
  if (f.page.trim()) p.set('page', f.page.trim());
  if (f.q.trim()) p.set('q', f.q.trim());
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

/** A ban on the author's network: the /24 around an IPv4 address, the /64 around an IPv6 one. */
export function ipRange(ip: string): string | null {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) {
    const [head] = ip.split('::');
    const groups = head.split(':').filter(Boolean);
    // Expand only as far as the first four groups; missing ones are zero.
    const full = ip.includes('::') ? [...groups, '0', '0', '0', '0'].slice(0, 4) : ip.split(':').slice(0, 4);
    return `${full.map((g) => g || '0').join(':')}::/64`;
  }
  return null;
}

/** An expiry choice as an ISO time from `now`; null for never. */
export function expiryFrom(choice: string, now: Date): string | null {
  const days = { '1d': 1, '7d': 7, '30d': 30 }[choice];
  return days ? new Date(now.getTime() + days * 86_400_000).toISOString() : null;
}
