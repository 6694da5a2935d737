import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchors, markdownFiles, markdownLinks, namedPaths, readMarkdown } from '../helpers/markdown.js';
import { ROOT } from '../helpers/service.js';

// A reader of a clone, or of the repository on the web, has the repository and the public web: nothing beside them.
const files = markdownFiles();

/** What is wrong with one link, or undefined when it leads somewhere a reader of the repository can follow. */
function problem(file: string, target: string): string | undefined {
  if (/^https?:\/\//i.test(target)) return undefined;
  if (/^mailto:/i.test(target)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return `a ${target.split(':')[0]}: link leaves the repository`;
  if (target.startsWith('/')) return 'an absolute path: a clone has no such file';
  const [rawPath = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const linkedPath = decodeURIComponent(rawPath);
  const resolved = linkedPath === '' ? path.join(ROOT, file) : path.resolve(ROOT, path.dirname(file), linkedPath);
  const inRepository = path.relative(ROOT, resolved);
  if (inRepository.startsWith('..') || path.isAbsolute(inRepository)) return 'points outside the repository';
  if (!fs.existsSync(resolved)) return 'no such file in the repository';
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md')) return undefined;
  const anchors = headingAnchors(fs.readFileSync(resolved, 'utf8'));
  return anchors.has(anchor) ? undefined : `no heading with the anchor #${anchor} (headings: ${[...anchors].join(', ')})`;
}

describe('links in the Markdown files', () => {
  it('finds the Markdown files, the README and the docs among them', () => {
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s: every relative link resolves to a file of the repository, and every #anchor to a heading', (file) => {
    const broken = markdownLinks(file, readMarkdown(file))
      .map((link) => ({ ...link, problem: problem(file, link.target) }))
      .filter((link) => link.problem !== undefined)
      .map((link) => `${link.file}:${link.line}: ${link.target}: ${link.problem}`);
    expect(broken).toEqual([]);
  });

  it.each(files)('%s: every file or folder of the repository it names in code exists', (file) => {
    // Modules move; a page that still names the old place sends its reader nowhere.
    const missing = namedPaths(file, readMarkdown(file))
      .filter((named) => !fs.existsSync(path.join(ROOT, named.target)))
      .map((named) => `${named.file}:${named.line}: ${named.target}`);
    expect(missing).toEqual([]);
  });

  it.each(files)('%s: names no folder beside the repository or on the machine it was written on', (file) => {
    const lines = readMarkdown(file).split('\n');
    const outside = lines.map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => /\.\.\/shared\b|\/work\//.test(line));
    expect(outside.map(({ number, line }) => `${file}:${number}: ${line.trim()}`)).toEqual([]);
  });
});

describe('the link checker', () => {
  it('gives headings the anchors GitHub gives them', () => {
    const anchors = headingAnchors(
      '# The command line: `image-ocr`\n## Keys, limits & callbacks\n## Keys, limits & callbacks\n```\n# not a heading\n```\n',
    );
    expect([...anchors]).toEqual(['the-command-line-image-ocr', 'keys-limits--callbacks', 'keys-limits--callbacks-1']);
  });

  it('finds links in prose only, not in code', () => {
    const links = markdownLinks('x.md', 'See [a](docs/a.md#b) and `[c](d.md)`.\n```\n[e](f.md)\n```\n[ref]: ../shared/x.md\n');
    expect(links.map((link) => link.target)).toEqual(['docs/a.md#b', '../shared/x.md']);
  });

  it('refuses links that leave the repository or lead nowhere', () => {
    expect(problem('README.md', '../shared/STYLE.md')).toBe('points outside the repository');
    expect(problem('README.md', '/work/main/README.md')).toMatch(/absolute/);
    expect(problem('README.md', 'docs/nothing.md')).toMatch(/no such file/);
    expect(problem('README.md', '#no-such-heading')).toMatch(/no heading/);
    expect(problem('README.md', 'https://github.com/naptha/tesseract.js')).toBeUndefined();
    expect(problem('README.md', 'docs/security.md')).toBeUndefined();
  });
});
