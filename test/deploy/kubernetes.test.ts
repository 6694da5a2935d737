import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_WAIT_SECONDS } from '../../src/api/routes/result.schema.js';
import { ENVIRONMENT_VARIABLES, loadConfig, SECRET_VARIABLES, type Config } from '../../src/config.js';
import { schemaProblems, unknownFieldProblems } from '../helpers/kube-models.js';
import { applyJsonPatch, renderKustomization, type KubeObject } from '../helpers/kustomize.js';
import { API_SERVICE_ARGS, ROOT } from '../helpers/service.js';

/**
 * docker/k8s: the kustomize base with each overlay applied, every object checked against the Kubernetes and KEDA
 * schemas, and what the service needs of them: probes on the routes it serves, a grace period its workers can drain
 * in, disruption budgets, nobody root, the KEDA trigger on the queue the workers read.
 */

const K8S = path.join(ROOT, 'docker/k8s');
const OVERLAYS = fs.readdirSync(path.join(K8S, 'overlays')).sort();

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
}
interface Workload extends KubeObject {
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const find = <T extends KubeObject = KubeObject>(objects: KubeObject[], kind: string, name: string): T => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found as T;
};

/** `512Mi`, `2Gi` in MiB. */
function mebibytes(quantity: string): number {
  const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(quantity)!;
  return Number(amount) * (unit === 'Gi' ? 1024 : 1);
}

/** The environment a container of the service starts with: its ConfigMaps and Secrets, then its own variables. */
function environmentOf(objects: KubeObject[], container: Container): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(environment, find(objects, 'ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) Object.assign(environment, find(objects, 'Secret', source.secretRef.name).stringData);
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    const reference = valueFrom?.configMapKeyRef;
    environment[name] = reference ? (find(objects, 'ConfigMap', reference.name).data as Record<string, string>)[reference.key]! : value!;
  }
  return environment;
}

/** The number of the port a probe names, by number or by the container's port name. */
function probePort(container: Container, probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('the kustomize renderer of the tests', () => {
  it('renders as kubectl kustomize does, where kubectl is installed', () => {
    let kubectl = true;
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    } catch {
      kubectl = false;
      console.warn('skipping the comparison with kubectl kustomize: kubectl is not installed');
    }
    if (!kubectl) return;
    const key = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;
    const sorted = (objects: KubeObject[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
    for (const overlay of OVERLAYS) {
      const rendered = execFileSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', path.join(K8S, 'overlays', overlay)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const expected = parseAllDocuments(rendered).map((document) => document.toJS() as KubeObject);
      expect(sorted(renderKustomization(path.join(K8S, 'overlays', overlay))), overlay).toEqual(sorted(expected));
    }
  });

  it('applies JSON patches, and refuses one whose path is not there', () => {
    const object = { spec: { list: [1, 3], name: 'a' } };
    applyJsonPatch(object, [
      { op: 'add', path: '/spec/list/1', value: 2 },
      { op: 'add', path: '/spec/list/-', value: 4 },
      { op: 'replace', path: '/spec/name', value: 'b' },
      { op: 'add', path: '/spec/a~1b', value: true },
    ]);
    expect(object).toEqual({ spec: { list: [1, 2, 3, 4], name: 'b', 'a/b': true } });
    expect(() => applyJsonPatch(object, [{ op: 'replace', path: '/spec/missing', value: 1 }])).toThrow(/no missing/);
    expect(() => applyJsonPatch(object, [{ op: 'remove', path: '/spec/list/9' }])).toThrow(/no element 9/);
  });
});

describe('checking an object against the Kubernetes and KEDA models', () => {
  const objects = renderKustomization(path.join(K8S, 'overlays', OVERLAYS[0]!));

  it('names an object with a wrong type', async () => {
    const broken = structuredClone(objects);
    (find(broken, 'Deployment', 'image-ocr-api').spec as Record<string, unknown>).replicas = 'two';
    expect(await schemaProblems(broken)).toEqual([expect.stringMatching(/^Deployment\/image-ocr-api: .*replicas must be integer/)]);
  });

  it('names an object with a misspelt field', () => {
    const broken = structuredClone(objects);
    const api = find<Workload>(broken, 'Deployment', 'image-ocr-api');
    (api.spec.template.spec.containers[0]!.livenessProbe!.httpGet as Record<string, unknown>).paht = '/health';
    (find(broken, 'ScaledObject', 'image-ocr-worker').spec as Record<string, unknown>).pollingIntervall = 10;
    expect(unknownFieldProblems(broken)).toEqual([
      expect.stringMatching(/^Deployment\/image-ocr-api: .*'"paht"' does not exist/),
      expect.stringMatching(/^ScaledObject\/image-ocr-worker: .*'"pollingIntervall"' does not exist/),
    ]);
  });
});

describe.each(OVERLAYS)('docker/k8s/overlays/%s', (overlay) => {
  const objects = renderKustomization(path.join(K8S, 'overlays', overlay));
  const workloads = objects.filter((object): object is Workload => object.kind === 'Deployment');
  const api = find<Workload>(objects, 'Deployment', 'image-ocr-api');
  const worker = find<Workload>(objects, 'Deployment', 'image-ocr-worker');
  const apiContainer = api.spec.template.spec.containers[0]!;
  const workerContainer = worker.spec.template.spec.containers[0]!;
  const apiConfig: Config = loadConfig(environmentOf(objects, apiContainer));
  const workerConfig: Config = loadConfig(environmentOf(objects, workerContainer));

  it('validates every object against the Kubernetes schemas and KEDA CRDs, with no field they lack', async () => {
    expect(await schemaProblems(objects)).toEqual([]);
    expect(unknownFieldProblems(objects)).toEqual([]);
  });

  it('puts every object in one namespace', () => {
    const namespaces = new Set(objects.map((object) => object.metadata.namespace));
    expect([...namespaces]).toHaveLength(1);
    expect([...namespaces][0]).toMatch(/^[a-z0-9-]+$/);
  });

  it('runs the API and the workers from the same image, with settings the service accepts, and secrets only in the Secret', () => {
    expect(apiConfig.mode).toBe('api');
    expect(workerConfig.mode).toBe('worker');
    expect(apiContainer.image).toBe(workerContainer.image);
    expect(apiContainer.command).toEqual(['node', ...API_SERVICE_ARGS]);
    expect(workerContainer.command, "the image's CMD").toBeUndefined();
    for (const container of [apiContainer, workerContainer]) {
      const variables = Object.keys(environmentOf(objects, container));
      expect(variables.filter((variable) => !(ENVIRONMENT_VARIABLES as string[]).includes(variable))).toEqual([]);
    }
    const plain = objects.filter((object) => object.kind === 'ConfigMap').flatMap((map) => Object.keys((map.data as object) ?? {}));
    expect(plain.filter((variable) => SECRET_VARIABLES.has(variable))).toEqual([]);
    for (const name of ['AMQP_URL', 'REDIS_URL', 'ARCHIVE_URL']) {
      expect(environmentOf(objects, workerContainer), `${name} from the Secret`).toHaveProperty(name);
    }
  });

  it('checks liveness on /health and readiness on /ready, on the port each process serves them', () => {
    for (const [container, port] of [
      [apiContainer, apiConfig.http.port],
      [workerContainer, workerConfig.workerHealthPort],
    ] as const) {
      expect(container.livenessProbe?.httpGet?.path, container.name).toBe('/health');
      expect(container.startupProbe?.httpGet?.path, container.name).toBe('/health');
      expect(container.readinessProbe?.httpGet?.path, container.name).toBe('/ready');
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        expect(probePort(container, probe), container.name).toBe(port);
      }
    }
    const service = find(objects, 'Service', 'image-ocr-api').spec as { ports: Array<{ port: number; targetPort: string }> };
    expect(probePort(apiContainer, { httpGet: { path: '/', port: service.ports[0]!.targetPort } })).toBe(apiConfig.http.port);
  });

  it('gives a stopping worker longer than its jobs in hand can take, and a stopping API longer than the longest wait=', () => {
    // OCR_CONCURRENCY jobs running and one prepared behind them: two job time limits in a row.
    expect(workerConfig.shutdownTimeoutMs).toBeGreaterThanOrEqual(2 * workerConfig.ocr.jobTimeoutMs);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(workerConfig.shutdownTimeoutMs);
    const preStopMs = (apiContainer.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    expect(apiConfig.shutdownTimeoutMs).toBeGreaterThan(MAX_WAIT_SECONDS * 1000);
    expect(api.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(apiConfig.shutdownTimeoutMs + preStopMs);
  });

  it('runs no container as root, nor lets one gain privileges', () => {
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      for (const container of pod.containers) {
        const security = { ...pod.securityContext, ...container.securityContext };
        const where = `${workload.metadata.name}/${container.name}`;
        expect(security.runAsNonRoot, where).toBe(true);
        expect(security.runAsUser, where).toBeGreaterThan(0);
        expect(security.allowPrivilegeEscalation, where).toBe(false);
      }
    }
  });

  it('covers every Deployment with one PodDisruptionBudget', () => {
    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
    for (const workload of workloads) {
      const covering = budgets.filter((budget) =>
        selects((budget.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, workload.spec.template.metadata.labels),
      );
      expect(
        covering.map((budget) => budget.metadata.name),
        workload.metadata.name,
      ).toHaveLength(1);
    }
  });

  it('requests CPU and memory for every container, and gives a worker more memory than the bounds it keeps itself within', () => {
    for (const workload of workloads) {
      for (const container of workload.spec.template.spec.containers) {
        expect(container.resources?.requests?.cpu, workload.metadata.name).toBeDefined();
        expect(mebibytes(container.resources!.requests!.memory!), workload.metadata.name).toBeLessThanOrEqual(
          mebibytes(container.resources!.limits!.memory!),
        );
      }
    }
    const limit = mebibytes(workerContainer.resources!.limits!.memory!);
    expect(limit).toBeGreaterThan(workerConfig.ocr.recycle.maxRssBytes / 2 ** 20);
    expect(limit).toBeGreaterThan(workerConfig.render.memoryMb);
  });

  it('scales the API on CPU', () => {
    const autoscaler = find(objects, 'HorizontalPodAutoscaler', 'image-ocr-api').spec as {
      scaleTargetRef: { kind: string; name: string };
      metrics: Array<{ resource?: { name: string } }>;
    };
    expect(autoscaler.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'image-ocr-api' });
    expect(autoscaler.metrics.map((metric) => metric.resource?.name)).toEqual(['cpu']);
  });

  it('scales the workers with KEDA on the waiting jobs of the queue they read, with credentials from a Secret that has them', () => {
    const scaled = find(objects, 'ScaledObject', 'image-ocr-worker').spec as {
      scaleTargetRef: { name: string };
      triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef: { name: string } }>;
    };
    expect(scaled.scaleTargetRef.name).toBe(worker.metadata.name);
    expect(scaled.triggers).toHaveLength(1);
    const [trigger] = scaled.triggers;
    if (workerConfig.queue.kind === 'rabbitmq') {
      expect(trigger).toMatchObject({ type: 'rabbitmq', metadata: { protocol: 'amqp', mode: 'QueueLength', queueName: workerConfig.queue.name } });
    } else {
      expect(workerConfig.queue.kind).toBe('bullmq');
      expect(trigger).toMatchObject({ type: 'redis', metadata: { listName: `${workerConfig.redis.keyPrefix}bull:${workerConfig.queue.name}:wait` } });
      expect(trigger!.metadata.address, 'host:port of REDIS_URL').toBe(new URL(workerConfig.redis.url).host);
    }
    const authentication = find(objects, 'TriggerAuthentication', trigger!.authenticationRef.name).spec as {
      secretTargetRef: Array<{ name: string; key: string }>;
    };
    for (const { name, key } of authentication.secretTargetRef) expect(find(objects, 'Secret', name).stringData, `${name}`).toHaveProperty(key);
  });

  it("puts nginx in front of the API with the compose stack's template and hook, and an upload limit from the API's", () => {
    const nginx = find<Workload>(objects, 'Deployment', 'image-ocr-nginx').spec.template.spec.containers[0]!;
    const environment = environmentOf(objects, nginx);
    const service = find(objects, 'Service', 'image-ocr-api').spec as { ports: Array<{ port: number }> };
    expect(environment.API_UPSTREAM).toBe(`image-ocr-api:${service.ports[0]!.port}`);
    expect(Number(environment.MAX_UPLOAD_BYTES)).toBe(apiConfig.limits.maxUploadBytes);
    const files = find(objects, 'ConfigMap', 'image-ocr-nginx').data as Record<string, string>;
    expect(files['default.conf.template']).toBe(fs.readFileSync(path.join(ROOT, 'nginx/templates/default.conf.template'), 'utf8'));
    expect(files['15-upload-limit.envsh']).toBe(fs.readFileSync(path.join(ROOT, 'docker/nginx/15-upload-limit.envsh'), 'utf8'));
    const directives = files['default.conf.template']!.split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const read = [...directives.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!).filter((name) => name !== 'NGINX_CLIENT_MAX_BODY_SIZE');
    expect(
      read.filter((name) => environment[name] === undefined),
      'template variables left unset',
    ).toEqual([]);
    expect(String(probePort(nginx, nginx.readinessProbe))).toBe(environment.NGINX_LISTEN);
  });
});
