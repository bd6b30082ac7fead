/**
 * Builds the moderation console's browser code: console/main.ts -> dist/console/console.js and
 * console/console.css -> dist/console/console.css (both minified, no source maps in the output).
 * Run by `npm run build:console` (part of `npm run build`, `npm test` and `npm run dev`).
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(__dirname, '..');
export const CONSOLE_DIR = path.join(root, 'dist/console');
/** Gzipped size the console's script may reach: small enough to load at once on a phone. */
export const CONSOLE_BUDGET_BYTES = 32 * 1024;

export interface ConsoleBuildReport {
  files: { file: string; bytes: number; gzipBytes: number }[];
}

export async function buildConsole(outdir = CONSOLE_DIR): Promise<ConsoleBuildReport> {
  const common = { bundle: true, minify: true, write: false, legalComments: 'none', charset: 'utf8', logLevel: 'warning' } as const;
  const [js, css] = await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(root, 'console/main.ts')],
      outfile: path.join(outdir, 'console.js'),
      format: 'iife',
      target: ['chrome100', 'edge100', 'firefox100', 'safari15.4'],
    }),
    build({ ...common, entryPoints: [path.join(root, 'console/console.css')], outfile: path.join(outdir, 'console.css') }),
  ]);
  mkdirSync(outdir, { recursive: true });
  const files = [];
  for (const out of [...js.outputFiles, ...css.outputFiles]) {
    const code = Buffer.from(out.contents);
    // Write then rename, so a running server (or a parallel test) never reads a half-written file.
    const tmp = `${out.path}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, out.path);
    files.push({ file: path.relative(root, out.path), bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });
  }
  return { files };
}

if (require.main === module) {
  buildConsole().then(
    (r) => {
      for (const f of r.files) console.log(`console: ${f.file} ${(f.bytes / 1024).toFixed(2)} KB raw, ${(f.gzipBytes / 1024).toFixed(2)} KB gzipped`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
