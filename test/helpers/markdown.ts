import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './service.js';

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`sh`, `json`, ...), empty when there is none. */
  lang: string;
  code: string;
  /** The reason given by a `<!-- not run: reason -->` comment just before the fence, when there is one. */
  notRun?: string;
}

/** A link of a Markdown file, outside code: inline, image or reference definition. */
export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const NOT_RUN = /^\s*<!--\s*not run:\s*(.*?)\s*-->\s*$/;

/** Every Markdown file git tracks or would track (untracked but not ignored), relative to the repository's root. */
export function markdownFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(listed.split('\n').filter(Boolean))].filter((file) => fs.existsSync(path.join(ROOT, file))).sort();
}

export function readMarkdown(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** The fenced code blocks of a Markdown text, each with the `not run` reason written just before it. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence); i++) body.push(lines[i]!);
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const notRun = previous >= 0 ? NOT_RUN.exec(lines[previous]!)?.[1] : undefined;
    // Blocks indented under a list item keep their indentation in the file.
    const indent = /^\s*/.exec(lines[start]!)![0].length;
    blocks.push({
      file,
      line: start + 1,
      lang: open[2]!.toLowerCase(),
      code: body.map((line) => line.slice(Math.min(indent, /^\s*/.exec(line)![0].length))).join('\n'),
      ...(notRun === undefined ? {} : { notRun }),
    });
  }
  return blocks;
}

/**
 * The text's lines with fenced code blanked out, so links and headings are found in prose only. Inline code spans are
 * removed too unless `keepInlineCode` (a heading's code span is part of its anchor).
 */
function proseLines(text: string, { keepInlineCode = false } = {}): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const open = FENCE.exec(line);
    if (fence) {
      if (line.trim().startsWith(fence)) fence = undefined;
      return '';
    }
    if (open) {
      fence = open[1]!;
      return '';
    }
    return keepInlineCode ? line : line.replace(/(`+)(?:(?!\1).)+\1/g, '');
  });
}

/** Every link of a Markdown text outside code: `[text](target)`, `![alt](target)`, `<https://...>` and `[ref]: target`. */
export function markdownLinks(file: string, text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(text).forEach((line, index) => {
    const found = (target: string) => links.push({ file, line: index + 1, target });
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found(match[1]!);
    for (const match of line.matchAll(/<((?:https?|file|ftp):[^>\s]+)>/g)) found(match[1]!);
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) found(definition[1]!);
  });
  return links;
}

/** The repository paths a Markdown text names in inline code outside fenced blocks (`src/config.ts`, `test/e2e/`). */
export function namedPaths(file: string, text: string): MarkdownLink[] {
  const paths: MarkdownLink[] = [];
  proseLines(text, { keepInlineCode: true }).forEach((line, index) => {
    for (const match of line.matchAll(/`((?:src|test|bench|web|docs|docker|nginx|\.ci)\/[A-Za-z0-9_./-]*)`/g)) {
      paths.push({ file, line: index + 1, target: match[1]! });
    }
  });
  return paths;
}

/** The anchors GitHub gives a Markdown text's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text, { keepInlineCode: true })) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}
