import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether we run from src/ (tsx, jest) or from compiled dist/. */
export function findProjectRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
