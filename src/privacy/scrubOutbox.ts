import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Removes from the file outbox (DATA_DIR/mail, embedded mode without SMTP) every message that carries the
 * address: those sent to the reader, and moderator emails that quoted it. Quoted-printable bodies may wrap
 * an address over two lines or encode its characters, so each file is also read with that decoding undone.
 * Returns how many files went.
 */
export async function scrubOutbox(dataDir: string, address: string): Promise<number> {
  const dir = path.join(dataDir, 'mail');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const needle = address.toLowerCase();
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.eml') && !name.endsWith('.partial')) continue;
    const file = path.join(dir, name);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const text = raw.toLowerCase();
    if (text.includes(needle) || decodeQuotedPrintable(text).includes(needle) || decodeBase64Parts(raw).toLowerCase().includes(needle)) {
      await unlink(file).catch(() => {});
      removed++;
    }
  }
  return removed;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Base64 parts (attachments such as an emailed export) decoded and joined. */
function decodeBase64Parts(raw: string): string {
  const out: string[] = [];
  const re = /content-transfer-encoding:\s*base64[^\n]*\n(?:[^\n]+\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/gi;
  for (const m of raw.matchAll(re)) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8'));
  return out.join('\n');
}
