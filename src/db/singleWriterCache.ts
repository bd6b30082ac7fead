import type { Pool, PoolClient } from 'pg';

/**
 * For the embedded database only: one process and one connection reach it (the CLI cannot open it beside
 * the server), so every write passes through this process's pool and can be noticed here. Each statement
 * that is not a plain SELECT (INSERT, UPDATE, DELETE, WITH …, BEGIN/COMMIT, …) moves the generation on.
 */
export interface WriteGeneration {
  current(): number;
}

const PLAIN_SELECT = /^\s*SELECT\b/i;

export function trackWrites(pool: Pool): WriteGeneration {
  let generation = 0;
  pool.on('connect', (client: PoolClient) => {
    const query = client.query;
    client.query = function (this: PoolClient, ...args: unknown[]) {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      if (!text || !PLAIN_SELECT.test(text)) generation++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as PoolClient['query'];
  });
  return { current: () => generation };
}

/**
 * Values read from the database, kept while no write has happened since they were read: with a single
 * writer this is exact, and it saves the embedded database (one connection, shared with every request) a
 * query per cached thread read. A value is stored under the generation seen *before* its query was sent,
 * so a write that overtakes the read makes it stale at once.
 */
export class GenerationCache<T> {
  private entries = new Map<string, T>();
  private generation = -1;

  constructor(private readonly writes: WriteGeneration, private readonly maxEntries = 10_000) {}

  /** The generation to pass to set() for a value about to be read. */
  begin(): number {
    return this.writes.current();
  }

  get(key: string): T | undefined {
    if (this.generation !== this.writes.current()) return undefined;
    return this.entries.get(key);
  }

  set(key: string, generation: number, value: T): void {
    if (generation !== this.writes.current()) return; // a write happened meanwhile: the value may be stale
    if (this.generation !== generation) {
      this.entries.clear();
      this.generation = generation;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }
}
