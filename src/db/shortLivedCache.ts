/**
 * A per-database, per-instance cache for data read on every request but changed rarely (sites, bans).
 * Entries live `ttlMs`: a change made on another instance is seen within that time; the instance that
 * made the change calls `forget` and sees it at once. Keyed by the database client, so two apps on two
 * databases in one process (tests) never share entries.
 */
export function shortLivedCache<T>(ttlMs: number, maxEntries = 10_000) {
  const caches = new WeakMap<object, Map<string, { value: T; expires: number }>>();
  const cacheFor = (owner: object) => {
    let cache = caches.get(owner);
    if (!cache) caches.set(owner, (cache = new Map()));
    return cache;
  };
  return {
    async get(owner: object, key: string, load: () => Promise<T>): Promise<T> {
      const cache = cacheFor(owner);
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.expires > now) return hit.value;
      const value = await load();
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, { value, expires: now + ttlMs });
      return value;
    },
    forget(owner: object, key: string): void {
      cacheFor(owner).delete(key);
    },
  };
}
