/**
 * Builds the embeddable widget: widget/main.ts -> dist/widget/widget.js (minified IIFE),
 * prints its raw and gzipped sizes, and fails when the gzipped size exceeds the budget.
 * Run by `npm run build:widget` (part of `npm run build`).
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const WIDGET_BUDGET_BYTES = 10 * 1024;
const root = path.resolve(__dirname, '..');
export const WIDGET_OUTFILE = path.join(root, 'dist/widget/widget.js');

export interface WidgetBuildReport {
  file: string;
  bytes: number;
  gzipBytes: number;
  budgetBytes: number;
}

export async function buildWidget(outfile = WIDGET_OUTFILE): Promise<WidgetBuildReport> {
  const result = await build({
    entryPoints: [path.join(root, 'widget/main.ts')],
    outfile,
    write: false,
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers from 2022 on; older ones lack shadow-DOM features the widget relies on anyway.
    target: ['chrome100', 'edge100', 'firefox100', 'safari15.4'],
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const report = {
    file: path.relative(root, outfile),
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    budgetBytes: WIDGET_BUDGET_BYTES,
  };
  // Write then rename, so a server (or a parallel test) never reads a half-written bundle.
  mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, outfile);
  writeFileSync(path.join(path.dirname(outfile), 'size.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

if (require.main === module) {
  buildWidget().then(
    (r) => {
      const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
      console.log(`widget: ${r.file} ${kb(r.bytes)} raw, ${kb(r.gzipBytes)} gzipped (budget ${kb(r.budgetBytes)})`);
      if (r.gzipBytes > r.budgetBytes) {
        console.error(`widget: gzipped size ${r.gzipBytes} B exceeds the budget of ${r.budgetBytes} B`);
        process.exit(1);
      }
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
