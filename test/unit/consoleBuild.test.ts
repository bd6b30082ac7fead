import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConsole, CONSOLE_BUDGET_BYTES } from '../../scripts/buildConsole';

test('the console builds into one script and one stylesheet, within budget, with nothing loaded from elsewhere', async () => {
  const dir = path.join(os.tmpdir(), `parley-console-${process.pid}`);
  const report = await buildConsole(dir);
  const js = report.files.find((f) => f.file.endsWith('console.js'))!;
  const css = report.files.find((f) => f.file.endsWith('console.css'))!;
  expect(js.gzipBytes).toBeGreaterThan(2000);
  expect(js.gzipBytes).toBeLessThanOrEqual(CONSOLE_BUDGET_BYTES);
  expect(css.gzipBytes).toBeLessThanOrEqual(8 * 1024);
  const code = readFileSync(path.join(dir, 'console.js'), 'utf8');
  // A strict CSP forbids eval and inline handlers; the bundle needs neither, and fetches only its own origin.
  expect(code).not.toMatch(/\beval\(|new Function\(|setAttribute\("on/);
  expect(readFileSync(path.join(dir, 'console.css'), 'utf8')).not.toMatch(/@import|url\(\s*["']?https?:/);
}, 30_000);
