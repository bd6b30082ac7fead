import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import { cleanWebsite } from './importText';
import { ImportFormatError, type ImportRecord } from './importRecords';
import {
  EXPORT_FORMAT, EXPORT_VERSION, exportedCommentSchema, exportedPageSchema, exportHeaderSchema,
} from './parleyExportSchema';

type ArrayName = 'pages' | 'comments';

/**
 * Reads a Parley export as a stream. A small scanner follows the JSON's nesting (strings and escapes
 * included) and cuts out each element of the top-level "pages" and "comments" arrays, which is parsed
 * and validated on its own; everything else (format, version, site) is a small skeleton parsed at the end.
 * So memory holds one element at a time, whatever the file's size or layout.
 */
export async function* parseParleyExport(input: AsyncIterable<Buffer | string>): AsyncGenerator<ImportRecord> {
  const decoder = new StringDecoder('utf8');
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let column = 0;
  let header = '';
  let key = '';
  let keyCapture: string[] | null = null;
  let inArray: ArrayName | null = null;
  let element: string[] | null = null;
  let elementLine = 0;
  const counts: Record<ArrayName, number> = { pages: 0, comments: 0 };
  const out: ImportRecord[] = [];

  const fail = (message: string): never => {
    throw new ImportFormatError(`The file is not a valid Parley export at line ${line}, column ${column}: ${message}.`);
  };

  const finishElement = (text: string) => {
    const name = inArray!;
    const index = counts[name]++;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ImportFormatError(`${name}[${index}] (line ${elementLine}) is not valid JSON${jsonProblem(err)}.`);
    }
    out.push(name === 'pages' ? toPage(raw, index, elementLine) : toComment(raw, index, elementLine));
  };

  const scan = (chunk: string) => {
    let start = element ? 0 : -1; // where the element being captured starts in this chunk
    let headerFrom = inArray ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (ch === 10) {
        line++;
        column = 0;
      } else column++;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === 92) escaped = true; // backslash
        else if (ch === 34) {
          inString = false; // closing quote
          if (keyCapture) {
            keyCapture.push(chunk.slice(keyStart, i));
            key = keyCapture.join('');
            keyCapture = null;
          }
        }
        continue;
      }
      if (ch === 34) {
        inString = true;
        if (depth === 1 && !inArray) {
          keyCapture = [];
          keyStart = i + 1;
        }
      } else if (ch === 123 || ch === 91) {
        // { or [
        depth++;
        if (depth === 2 && ch === 91 && (key === 'pages' || key === 'comments')) {
          header += chunk.slice(headerFrom, i + 1);
          headerFrom = -1;
          inArray = key;
        } else if (depth === 3 && inArray) {
          if (ch !== 123) fail(`each of "${inArray}" must be an object`);
          element = [];
          elementLine = line;
          start = i;
        }
      } else if (ch === 125 || ch === 93) {
        // } or ]
        depth--;
        if (depth < 0) fail('a closing bracket with nothing open');
        if (depth === 2 && element) {
          element.push(chunk.slice(start, i + 1));
          finishElement(element.join(''));
          element = null;
          start = -1;
        } else if (depth === 1 && inArray) {
          inArray = null;
          headerFrom = i;
        }
      }
    }
    if (keyCapture) keyCapture.push(chunk.slice(keyStart));
    keyStart = 0;
    if (element && start >= 0) element.push(chunk.slice(start));
    if (headerFrom >= 0) header += chunk.slice(headerFrom);
    if (header.length > 1_000_000) fail('the part outside "pages" and "comments" is too large');
  };
  let keyStart = 0;

  for await (const chunk of input) {
    scan(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    for (const r of out) yield r;
    out.length = 0;
  }
  scan(decoder.end());
  if (inString || depth !== 0 || element) fail('the file ends in the middle of the JSON');
  for (const r of out) yield r;

  let skeleton: unknown;
  try {
    skeleton = JSON.parse(header);
  } catch (err) {
    throw new ImportFormatError(`The file is not valid JSON${jsonProblem(err)}.`);
  }
  const parsed = exportHeaderSchema.safeParse(skeleton);
  if (!parsed.success) {
    throw new ImportFormatError(`This is not a Parley export (format ${EXPORT_FORMAT}, version ${EXPORT_VERSION}): ${issues(parsed.error)}`);
  }
  const site = parsed.data.site;
  yield { kind: 'site', id: site.id, name: site.name, allowedOrigins: site.allowedOrigins, settings: site.settings, createdAt: site.createdAt };
}

function toPage(raw: unknown, index: number, line: number): ImportRecord {
  const parsed = exportedPageSchema.safeParse(raw);
  if (!parsed.success) throw new ImportFormatError(`pages[${index}] (line ${line}): ${issues(parsed.error)}`);
  const p = parsed.data;
  return { kind: 'page', ref: p.id, key: p.key, url: p.url, title: p.title, closed: p.closed, createdAt: p.createdAt };
}

function toComment(raw: unknown, index: number, line: number): ImportRecord {
  const parsed = exportedCommentSchema.safeParse(raw);
  // Paths and messages only: a value could be an email.
  if (!parsed.success) throw new ImportFormatError(`comments[${index}] (line ${line}): ${issues(parsed.error)}`);
  const c = parsed.data;
  return {
    kind: 'comment',
    ref: c.id,
    // A comment imported once keeps its first key, so the original WordPress or Disqus file still dedupes.
    key: c.importKey ?? `parley:${c.id}`,
    pageRef: c.pageId,
    parentRef: c.parentId,
    parentKey: null,
    preferredId: c.id,
    name: c.name,
    email: c.email,
    website: c.website === null ? null : cleanWebsite(c.website),
    ip: c.ip,
    userAgent: c.userAgent,
    body: c.body,
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    moderatedAt: c.moderatedAt,
    reasons: c.reasons,
    spamScore: c.spamScore,
    trainedAs: c.trainedAs,
    notifyReplies: c.notifyReplies,
    ownerTokenHash: c.ownerTokenHash,
    fingerprint: c.fingerprint,
  };
}

/**
 * What JSON.parse objected to, without the snippet of the file V8 quotes in its message (it could be an
 * email address): only "unexpected token" or "unexpected end", and the position when given.
 */
function jsonProblem(err: unknown): string {
  const message = (err as Error)?.message ?? '';
  const position = /position (\d+)/.exec(message)?.[1];
  const kind = /end of (JSON|data)/i.test(message) ? 'it ends too early' : 'unexpected character';
  return ` (${kind}${position ? ` at character ${position}` : ''})`;
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    .join('; ');
}
