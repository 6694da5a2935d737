import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../src/config.js';
import { readMarkdown } from '../helpers/markdown.js';

/** The variables docs/configuration.md gives a row of its tables, each named in the row's first cell. */
function documentedVariables(): Set<string> {
  const names = readMarkdown('docs/configuration.md')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!));
  return new Set(names);
}

describe('docs/configuration.md', () => {
  it('lists every environment variable the service reads', () => {
    const documented = documentedVariables();
    expect(ENVIRONMENT_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
  });
});
