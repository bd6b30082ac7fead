import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ImportFormatError } from './importRecords';

export type XmlTag = SaxesTagPlain;

/** What a format reader does with the parser's events; it calls `emit` for each finished record. */
export interface XmlHandlers<T> {
  open(tag: XmlTag, path: readonly string[]): void;
  /** Called with the element's text (text and CDATA joined) when `wantsText` said so at its opening. */
  close(name: string, text: string, path: readonly string[]): void;
  wantsText(name: string, path: readonly string[]): boolean;
  /** After the whole document: last checks (for example, that the root was the expected one). */
  end?(): void;
  emit?: (record: T) => void;
}

/**
 * Drives a saxes parser over a byte stream and yields the records the handlers emit, a chunk at a time:
 * memory stays bounded by one chunk plus one element's text, whatever the file's size, and the consumer's
 * pace (database writes) paces the reading. A well-formedness error becomes an ImportFormatError that
 * names the line and column.
 */
export async function* streamXml<T>(input: AsyncIterable<Buffer | string>, make: (emit: (r: T) => void, where: () => string) => XmlHandlers<T>): AsyncGenerator<T> {
  const parser = new SaxesParser({ position: true });
  const queue: T[] = [];
  const where = () => `line ${parser.line}, column ${parser.column}`;
  const handlers = make((r) => queue.push(r), where);
  const path: string[] = [];
  let text: string[] | null = null;
  let textDepth = -1;

  parser.on('opentag', (tag) => {
    handlers.open(tag as XmlTag, path);
    path.push(tag.name);
    if (text === null && handlers.wantsText(tag.name, path)) {
      text = [];
      textDepth = path.length;
    }
  });
  parser.on('text', (t) => {
    if (text) text.push(t);
  });
  parser.on('cdata', (t) => {
    if (text) text.push(t);
  });
  parser.on('closetag', (tag) => {
    let value = '';
    if (text && path.length === textDepth) {
      value = text.join('');
      text = null;
      textDepth = -1;
    }
    path.pop();
    handlers.close(tag.name, value, path.concat(tag.name));
  });

  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of input) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      // Hand over what this chunk produced before reading the next one.
      for (let i = 0; i < queue.length; i++) yield queue[i];
      queue.length = 0;
    }
    const rest = decoder.end();
    if (rest) parser.write(rest);
    parser.close();
    handlers.end?.();
  } catch (err) {
    throw asFormatError(err);
  }
  for (const r of queue) yield r;
}

/** saxes says "12:5: unexpected close tag."; the operator reads "line 12, column 5: unexpected close tag." */
function asFormatError(err: unknown): Error {
  if (err instanceof ImportFormatError) return err;
  const message = (err as Error)?.message ?? String(err);
  const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(message);
  if (m) return new ImportFormatError(`The file is not well-formed XML at line ${m[1]}, column ${m[2]}: ${m[3].replace(/\.$/, '')}.`);
  return err as Error;
}
