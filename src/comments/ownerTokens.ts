import crypto from 'node:crypto';

/**
 * An owner token is a random secret handed to the author's browser once. Only its SHA-256 is stored,
 * so a database leak does not let anyone see other readers' pending comments.
 */
export function newOwnerToken(): { token: string; hash: string } {
  const token = randomBase64url(24);
  return { token, hash: hashOwnerToken(token) };
}

/**
 * Random bytes from a pool refilled 6 KB at a time, as node's own randomUUID does: each randomBytes(24) call
 * asks OpenSSL (and the kernel) afresh, ~6 µs here against ~0.2 µs from the pool, on every comment posted.
 */
const RANDOM_POOL_BYTES = 6144;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomBase64url(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = crypto.randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const out = randomPool.toString('base64url', randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return out;
}

/**
 * A reader sends the same header on every reload: its parse and its tokens' hashes are kept (a few thousand,
 * oldest out), which took a few percent off an owner-token read's CPU.
 */
const hashes = new Map<string, string>();
const parsedHeaders = new Map<string, string[]>();
const KEEP_HASHES = 5_000;
const KEEP_HEADERS = 1_000;
const KEEP_HEADER_CHARS = 1_024;

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export function hashOwnerToken(token: string): string {
  // crypto.hash is one-shot: a third of createHash's cost.
  return hashes.get(token) ?? remember(hashes, token, crypto.hash('sha256', token), KEEP_HASHES);
}

const NO_TOKENS: string[] = Object.freeze([]) as unknown as string[];

/**
 * Parses `X-Parley-Owner: t1,t2`; ignores anything that cannot be a token, keeps at most 50. The array is
 * shared by the requests that send the same header, and frozen: callers read it.
 */
export function parseOwnerHeader(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : header ?? '';
  if (!raw) return NO_TOKENS;
  const kept = parsedHeaders.get(raw);
  if (kept) return kept;
  const tokens = Object.freeze(raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => /^[A-Za-z0-9_-]{16,64}$/.test(t))
    .slice(0, 50)) as string[];
  return raw.length <= KEEP_HEADER_CHARS ? remember(parsedHeaders, raw, tokens, KEEP_HEADERS) : tokens;
}

/**
 * Owner token hashes as scalar query parameters (`$n, $n+1, ...` from `first`), padded by repeating the
 * first to a power of two so that a handful of statement texts serve every reader. With one array
 * parameter (`= ANY($n)`) a prepared statement's generic plan must guess the array's length (Postgres
 * assumes ten), looks costlier than a plan for the real values, and Postgres re-planned the reader's
 * own view on every request: 0.2 ms, four times running it. With scalars the generic plan is the one
 * a single read would get, and is kept.
 */
export function ownerHashParameters(hashes: string[], first: number): { list: string; values: string[] } {
  if (hashes.length === 0) return { list: 'NULL', values: [] };
  let size = 1;
  while (size < hashes.length) size *= 2;
  const values = size === hashes.length ? hashes : Array.from({ length: size }, (_, i) => hashes[i] ?? hashes[0]);
  return { list: parameterList(first, size), values };
}

/** "$3, $4, …": made once per position and size (every owner read asks for one). */
const parameterLists = new Map<string, string>();
function parameterList(first: number, size: number): string {
  const key = `${first}:${size}`;
  let list = parameterLists.get(key);
  if (!list) {
    list = Array.from({ length: size }, (_, i) => `$${first + i}`).join(', ');
    parameterLists.set(key, list);
  }
  return list;
}
