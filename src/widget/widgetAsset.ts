import crypto from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface StaticAsset {
  body: Buffer;
  gzip: Buffer;
  /** First 16 hex digits of the SHA-256 of the body: the ETag and the `?v=` cache-buster. */
  hash: string;
  etag: string;
}

export function makeAsset(body: Buffer | string): StaticAsset {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const hash = crypto.createHash('sha256').update(buf).digest('hex').slice(0, 16);
  return { body: buf, gzip: gzipSync(buf, { level: 9 }), hash, etag: `"${hash}"` };
}

/**
 * The built widget (dist/widget/widget.js, from `npm run build:widget`). It is read once and kept in
 * memory with its hash and gzipped copy; outside production it is re-read when the file changes, so a
 * rebuild shows up without restarting the server.
 */
export class WidgetBundle {
  private cached: { asset: StaticAsset; mtimeMs: number } | null = null;

  constructor(
    private readonly file: string,
    private readonly watch: boolean,
  ) {}

  get(): StaticAsset | null {
    if (this.cached && !this.watch) return this.cached.asset;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      return this.cached?.asset ?? null;
    }
    if (!this.cached || this.cached.mtimeMs !== mtimeMs) {
      this.cached = { asset: makeAsset(readFileSync(this.file)), mtimeMs };
    }
    return this.cached.asset;
  }
}
