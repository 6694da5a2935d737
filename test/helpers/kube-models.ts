import path from 'node:path';
import ts from 'typescript';
import type { KubeObject } from './kustomize.js';
import { ROOT } from './service.js';

/** The module of kubernetes-models (or its KEDA models) that holds an API group and version's kinds. */
function modelModule(apiVersion: string): string {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

interface Model {
  validate(): void;
}

/**
 * Each object checked against its schema (the Kubernetes API's OpenAPI schemas, KEDA's CRDs): wrong types, missing
 * required fields, values outside an enum. Answers one line per object that fails, naming it.
 */
export async function schemaProblems(objects: KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata.name}`;
    const models = (await import(modelModule(object.apiVersion)).catch(() => ({}))) as Record<string, new (data: unknown) => Model>;
    const Model = models[object.kind];
    if (!Model) {
      problems.push(`${name}: no model of ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * The schemas let unknown fields through (a misspelt `livenessprobe` would pass them, and the API server would drop
 * it): each object is written as a TypeScript literal of its model's type and compiled, so the compiler names every
 * field the model does not have. Answers one line per compiler error, naming the object.
 */
export function unknownFieldProblems(objects: KubeObject[]): string[] {
  const file = path.join(ROOT, 'test', '__kubernetes_objects__.ts');
  const lines: string[] = [];
  const owners: string[] = [];
  objects.forEach((object, index) => {
    lines.push(`import type { I${object.kind} as T${index} } from '${modelModule(object.apiVersion)}';`);
    owners.push('');
  });
  objects.forEach((object, index) => {
    const literal = JSON.stringify(object, null, 2).split('\n');
    lines.push(`export const o${index}: T${index} = ${literal[0]}`, ...literal.slice(1));
    owners.push(...literal.map(() => `${object.kind}/${object.metadata.name}`));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name));
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n').at(-1)!;
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${owners[line] ?? 'the objects'}: ${message}`;
  });
}
