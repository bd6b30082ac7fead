/**
 * A map of strings (or null) held to a total of characters, keys included, oldest out: entries vary from
 * nothing to kilobytes, so a count alone would not bound the memory. A hit does not move its entry (that
 * cost more than the rare miss it saves: a changed value comes under a new key anyway).
 */
export class SizedCache<V extends string | null> {
  private readonly entries = new Map<string, V>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    const size = key.length + (value?.length ?? 0);
    if (size > this.maxChars / 16) return; // one entry never takes a large share
    this.delete(key);
    this.entries.set(key, value);
    this.chars += size;
    for (const [oldest, old] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length + (old?.length ?? 0);
    }
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.chars -= key.length + (old?.length ?? 0);
  }

  get size(): number {
    return this.entries.size;
  }
}
