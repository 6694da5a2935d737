import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** One Kubernetes object as kustomize emits it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path?: string; patch?: string; target: { kind: string; name: string } }>;
  configMapGenerator?: Array<{ name: string; files?: string[]; literals?: string[] }>;
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'images',
  'patches',
  'configMapGenerator',
  'generatorOptions',
]);
/** Kinds without a namespace, which kustomize's `namespace` leaves alone. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterTriggerAuthentication',
  'IngressClass',
]);

/** Kubernetes reads YAML 1.1, where `0555` is octal (a file mode); YAML 1.2 would read it as decimal. */
const YAML_AS_KUBERNETES = { version: '1.1' } as const;

function readKustomization(dir: string): Kustomization {
  const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'), YAML_AS_KUBERNETES) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((field) => !SUPPORTED.has(field));
  if (unsupported.length > 0) throw new Error(`${dir}: kustomization fields this renderer does not apply: ${unsupported.join(', ')}`);
  if (kustomization.configMapGenerator && !kustomization.generatorOptions?.disableNameSuffixHash) {
    throw new Error(`${dir}: generated names with a hash suffix are not rendered here; set generatorOptions.disableNameSuffixHash`);
  }
  return kustomization;
}

function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'), YAML_AS_KUBERNETES)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

/** The tokens of a JSON pointer (RFC 6901). */
const pointer = (text: string) =>
  text
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));

/** Applies JSON patch (RFC 6902) operations in place: the forms kustomize's `patches` take as a list of operations. */
export function applyJsonPatch(target: unknown, operations: JsonPatchOperation[]): void {
  for (const { op, path: at, value } of operations) {
    const tokens = pointer(at);
    const last = tokens.pop()!;
    let parent = target as Record<string, unknown> | unknown[];
    for (const token of tokens) {
      const next = (parent as Record<string, unknown>)[token];
      if (next === null || typeof next !== 'object') throw new Error(`patch ${op} ${at}: no ${token}`);
      parent = next as Record<string, unknown> | unknown[];
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length || (op !== 'add' && index === parent.length)) {
        throw new Error(`patch ${op} ${at}: no element ${last}`);
      }
      if (op === 'add') parent.splice(index, 0, structuredClone(value));
      else if (op === 'replace') parent[index] = structuredClone(value);
      else parent.splice(index, 1);
      continue;
    }
    if (op !== 'add' && !(last in parent)) throw new Error(`patch ${op} ${at}: no ${last}`);
    if (op === 'remove') delete parent[last];
    else parent[last] = structuredClone(value);
  }
}

function generateConfigMap(dir: string, { name, files = [], literals = [] }: { name: string; files?: string[]; literals?: string[] }): KubeObject {
  const data: Record<string, string> = {};
  for (const file of files) {
    const [key, source] = file.includes('=') ? (file.split('=') as [string, string]) : [path.basename(file), file];
    data[key] = fs.readFileSync(path.resolve(dir, source), 'utf8');
  }
  for (const literal of literals) {
    const at = literal.indexOf('=');
    data[literal.slice(0, at)] = literal.slice(at + 1);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function retag(image: string, { name, newName, newTag }: { name: string; newName?: string; newTag?: string }): string {
  const [, repository, tag] = /^(.*?)(?::([^:/]+))?$/.exec(image)!;
  if (repository !== name) return image;
  return `${newName ?? repository}${(newTag ?? tag) ? `:${newTag ?? tag}` : ''}`;
}

function podContainers(object: KubeObject): Array<{ image?: string }> {
  const spec = (object.spec as { template?: { spec?: { containers?: []; initContainers?: [] } } } | undefined)?.template?.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
}

/** Applies a kustomization's transformations (patches, namespace, images, in kustomize's order) to `objects`. */
function transform(dir: string, kustomization: Kustomization, objects: KubeObject[]): void {
  for (const { path: file, patch, target } of kustomization.patches ?? []) {
    const operations = parse(file ? fs.readFileSync(path.join(dir, file), 'utf8') : patch!, YAML_AS_KUBERNETES) as JsonPatchOperation[];
    if (!Array.isArray(operations)) throw new Error(`${dir}: only JSON patches (a list of operations) are rendered here`);
    const matched = objects.filter((object) => object.kind === target.kind && object.metadata.name === target.name);
    if (matched.length === 0) throw new Error(`${dir}: a patch targets ${target.kind}/${target.name}, which is not there`);
    for (const object of matched) applyJsonPatch(object, operations);
  }
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  for (const image of kustomization.images ?? []) {
    for (const container of objects.flatMap(podContainers)) if (container.image) container.image = retag(container.image, image);
  }
}

/**
 * The objects `kubectl kustomize --load-restrictor LoadRestrictionsNone <dir>` emits, for the part of kustomize the
 * manifests under docker/k8s use: resources (files and folders), components, configMapGenerator without name
 * hashes, JSON patches on a named target, namespace and images. Any other field is refused rather than ignored.
 */
export function renderKustomization(dir: string): KubeObject[] {
  const kustomization = readKustomization(dir);
  const objects = (kustomization.resources ?? []).flatMap((resource) => {
    const at = path.resolve(dir, resource);
    return fs.statSync(at).isDirectory() ? renderKustomization(at) : readObjects(at);
  });
  for (const component of kustomization.components ?? []) {
    const at = path.resolve(dir, component);
    const componentKustomization = readKustomization(at);
    if (componentKustomization.kind !== 'Component') throw new Error(`${at}: not a kustomize Component`);
    objects.push(...(componentKustomization.resources ?? []).flatMap((resource) => readObjects(path.resolve(at, resource))));
    transform(at, componentKustomization, objects);
  }
  objects.push(...(kustomization.configMapGenerator ?? []).map((generator) => generateConfigMap(dir, generator)));
  transform(dir, kustomization, objects);
  return objects;
}
