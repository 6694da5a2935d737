import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

interface Import {
  /** The file that imports, relative to src/ with forward slashes. */
  file: string;
  specifier: string;
  /** `import type`, or only `type` names: erased at build, so it loads nothing. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return true;
    const clause = statement.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  const clause = statement.importClause;
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** Every import, re-export and dynamic `import()` of every file in src/, read with the TypeScript parser. */
function importsOfSrc(): Import[] {
  return sourceFiles(SRC).flatMap((full) => {
    const file = path.relative(SRC, full).split(path.sep).join('/');
    const source = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest);
    const found: Import[] = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        found.push({ file, specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node) });
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [argument] = node.arguments;
        if (argument && ts.isStringLiteral(argument)) found.push({ file, specifier: argument.text, typeOnly: false });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  });
}

/**
 * The layers of src/, from the bottom up. A file may import its own layer and the layers below it: never a layer
 * above, and never a sibling on its own level (`api` and `worker` both build on `http` and the adapters, not on
 * each other).
 */
const LAYERS: readonly (readonly string[])[] = [
  // src/*.ts: configuration, errors, the job model, formats, back-off, logging, metrics.
  ['shared'],
  // Adapters and building blocks, each on the shared modules only.
  ['archive', 'http', 'ocr', 'queue', 'store', 'webhook'],
  // Documents (PDF, multi-page images) as pages, built on the OCR adapters.
  ['documents'],
  // The upload's checks: its type found once from its bytes, then its header, pixels, pages and page selection.
  ['intake'],
  // One path for every kind of job: what the worker runs, and the command line without a server.
  ['jobs'],
  // The two process roles.
  ['api', 'worker'],
  // What starts a process: the service's entry files, and the command-line client (src/cli/).
  ['entry', 'cli'],
];

const ENTRY_POINTS = new Set(['main.ts', 'service.ts', 'healthcheck.ts']);

/** The layer of a file under src/, given relative to src/. */
function layerOf(file: string): string {
  if (ENTRY_POINTS.has(file)) return 'entry';
  const [top, ...rest] = file.split('/');
  return rest.length === 0 ? 'shared' : top!;
}

const levelOf = (layer: string): number => {
  const level = LAYERS.findIndex((names) => names.includes(layer));
  if (level === -1) throw new Error(`src/${layer}/ is in no layer: add it to LAYERS`);
  return level;
};

/** The file under src/ that a relative specifier names, relative to src/. */
function resolveInSrc(file: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** The npm package a bare specifier loads: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const imports = importsOfSrc();

describe('layers of src/', () => {
  it('reads the imports of every file', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports.some((entry) => entry.file === 'api/app.ts' && entry.specifier === '../http/error-handler.js')).toBe(true);
  });

  it('has no import that runs up a layer or across to a sibling', () => {
    const wrong = imports
      .filter(({ specifier }) => specifier.startsWith('.'))
      .map(({ file, specifier }) => ({ file, target: resolveInSrc(file, specifier) }))
      .filter(({ file, target }) => {
        const from = layerOf(file);
        const to = layerOf(target);
        return from !== to && levelOf(to) >= levelOf(from);
      })
      .map(({ file, target }) => `src/${file} (${layerOf(file)}) imports src/${target} (${layerOf(target)})`);
    expect(wrong).toEqual([]);
  });
});

describe('one adapter per outside library', () => {
  /** How many files of src/ may load each library (an `import type` loads nothing and does not count). */
  const ALLOWED: Record<string, { min: number; max: number }> = {
    amqplib: { min: 1, max: 1 },
    bullmq: { min: 1, max: 1 },
    'tesseract.js': { min: 1, max: 1 },
    undici: { min: 1, max: 1 },
    'prom-client': { min: 1, max: 1 },
    pg: { min: 1, max: 1 },
    '@electric-sql/pglite': { min: 1, max: 1 },
    // The Redis store and BullMQ's connection, through one shared connection policy.
    ioredis: { min: 1, max: 2 },
    // Preprocessing and upload validation, and the page images of documents.
    sharp: { min: 1, max: 3 },
    '@hyzyla/pdfium': { min: 1, max: 1 },
    'pdf-lib': { min: 1, max: 1 },
    // The command-line client's argument parser, progress bar and glob expansion.
    cac: { min: 1, max: 1 },
    'cli-progress': { min: 1, max: 1 },
    tinyglobby: { min: 1, max: 1 },
    // lang=auto's language identifier.
    'franc-min': { min: 1, max: 1 },
  };

  const importers = (library: string): string[] => [
    ...new Set(imports.filter((entry) => !entry.typeOnly && packageOf(entry.specifier) === library).map((entry) => `src/${entry.file}`)),
  ];

  it.each(Object.entries(ALLOWED))('%s is loaded by the allowed number of files', (library, { min, max }) => {
    const files = importers(library);
    expect(files.length, `${library} is loaded by ${files.join(', ') || 'no file'}`).toBeGreaterThanOrEqual(min);
    expect(files.length, `${library} is loaded by ${files.join(', ')}`).toBeLessThanOrEqual(max);
  });
});

describe("one place tells an upload's type", () => {
  /** The leading bytes of every type the service reads, as a detector compares them: numbers, or ASCII text. */
  const SIGNATURES: readonly (readonly number[] | string)[] = [
    [0x89, 0x50, 0x4e, 0x47], // PNG
    [0xff, 0xd8, 0xff], // JPEG's start of image
    'GIF87a',
    'GIF89a',
    'RIFF',
    'WEBP',
    'II*\0',
    'MM\0*',
    'ftyp',
    '%PDF-',
  ];

  /** Whether a file of src/ holds a file signature: a string literal that is one, or an array literal of numbers that starts with one. */
  function holdsSignature(full: string): boolean {
    const source = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest);
    let found = false;
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) && SIGNATURES.includes(node.text)) found = true;
      if (ts.isArrayLiteralExpression(node)) {
        const numbers = node.elements.map((element) => (ts.isNumericLiteral(element) ? Number(element.text) : NaN));
        if (SIGNATURES.some((signature) => typeof signature !== 'string' && signature.every((byte, index) => numbers[index] === byte))) found = true;
      }
      if (!found) ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  }

  it('reads the signatures in one module of src/', () => {
    const holders = sourceFiles(SRC)
      .filter(holdsSignature)
      .map((full) => path.relative(SRC, full).split(path.sep).join('/'));
    expect(holders).toEqual(['intake/media-type.ts']);
  });

  it('has every other place take the type it found, and only the intake ask it', () => {
    const askers = imports
      .filter(({ file, specifier }) => specifier.startsWith('.') && resolveInSrc(file, specifier) === 'intake/media-type.ts')
      .map(({ file }) => file);
    expect(askers.length).toBeGreaterThan(0);
    expect(askers.filter((file) => !file.startsWith('intake/'))).toEqual([]);
  });
});

describe('small modules', () => {
  /** The most lines a file of src/ may have: past it, a module does more than one job. */
  const MAX_LINES = 300;

  it(`has no file in src/ over ${MAX_LINES} lines`, () => {
    const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|mjs)$/.test(file));
    expect(files.length).toBeGreaterThan(100);
    const long = files
      .map((file) => ({ file, lines: fs.readFileSync(path.join(SRC, file), 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `src/${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});

describe('stores by concern', () => {
  /** Whether a member of an interface is something to call: a method, or a property whose type is a function. */
  const isCallable = (member: ts.TypeElement): boolean => {
    if (ts.isMethodSignature(member)) return true;
    if (!ts.isPropertySignature(member) || !member.type) return false;
    let type: ts.TypeNode = member.type;
    while (ts.isParenthesizedTypeNode(type)) type = type.type;
    return ts.isFunctionTypeNode(type);
  };

  /** Every interface declared under src/store/, with how many callable members it declares. */
  const storeInterfaces = sourceFiles(path.join(SRC, 'store')).flatMap((full) => {
    const file = path.relative(SRC, full).split(path.sep).join('/');
    const source = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest);
    const found: { name: string; methods: number }[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isInterfaceDeclaration(node)) found.push({ name: `src/${file}: ${node.name.text}`, methods: node.members.filter(isCallable).length });
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  });

  it('reads the interfaces of src/store/', () => {
    expect(storeInterfaces.find(({ name }) => name.endsWith(': JobRecords'))?.methods).toBeGreaterThan(5);
  });

  it('has no interface in src/store/ with more than 10 methods: a store that grows past that holds more than one concern', () => {
    const tooBig = storeInterfaces.filter(({ methods }) => methods > 10).map(({ name, methods }) => `${name} has ${methods} methods`);
    expect(tooBig).toEqual([]);
  });
});
