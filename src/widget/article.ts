import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ArticleBlock = { kind: 'subheading' | 'paragraph'; text: string };
export interface Article {
  title: string;
  blocks: ArticleBlock[];
}

/**
 * The demo article's plain-text format: the title on the first line, then paragraphs separated by
 * blank lines. A short line without final punctuation is a subheading.
 */
export function parseArticle(text: string): Article {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim());
  const title = lines.shift() ?? '';
  const blocks = lines
    .filter(Boolean)
    .map((line): ArticleBlock => ({ kind: isSubheading(line) ? 'subheading' : 'paragraph', text: line }));
  return { title, blocks };
}

function isSubheading(line: string): boolean {
  return line.length <= 80 && !/[.!?:;,…"”’')\]]$/.test(line);
}

/**
 * The article shared by the team lives in ../shared/fixtures beside the project; a fresh clone
 * without that folder uses the copy kept next to this file.
 */
export function loadDemoArticle(projectRoot: string): Article {
  const candidates = [
    path.resolve(projectRoot, '../shared/fixtures/article.txt'),
    path.resolve(projectRoot, 'src/widget/demoArticle.txt'),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return { title: 'Parley demo', blocks: [{ kind: 'paragraph', text: 'The demo article is missing.' }] };
  return parseArticle(readFileSync(file, 'utf8'));
}
