import { parseDisqus } from './parseDisqus';
import { parseParleyExport } from './parseParleyExport';
import { parseWxr } from './parseWxr';
import type { ImportFormat, ImportRecord } from './importRecords';

/** The reader for a format. */
export function recordsFrom(format: ImportFormat, input: AsyncIterable<Buffer | string>): AsyncGenerator<ImportRecord> {
  switch (format) {
    case 'wxr':
      return parseWxr(input);
    case 'disqus':
      return parseDisqus(input);
    case 'parley':
      return parseParleyExport(input);
  }
}

/** Passes the bytes through, counting them (progress by bytes read: the reader's position in the file). */
export async function* countBytes(input: AsyncIterable<Buffer | string>, counter: { bytes: number }): AsyncGenerator<Buffer | string> {
  for await (const chunk of input) {
    counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    yield chunk;
  }
}
