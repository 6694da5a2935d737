import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_WAIT_SECONDS } from '../../src/api/routes/result.schema.js';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config.js';
import { composeProject, DOCKER_COMPOSE } from '../helpers/compose.js';
import { renderNginxTemplates } from '../helpers/nginx.js';
import { hasProgram } from '../helpers/programs.js';
import { API_SERVICE_ARGS, ROOT } from '../helpers/service.js';

const available = hasProgram(DOCKER_COMPOSE, 'docker-compose') && hasProgram('/usr/bin/envsubst', 'gettext-base');

/** `1m`, `60s` or `60` (seconds) as nginx reads a time, in seconds. */
function nginxSeconds(value: string): number {
  const [, amount, unit = 's'] = /^(\d+)(ms|s|m)?$/.exec(value)!;
  return Number(amount) * { ms: 0.001, s: 1, m: 60 }[unit as 'ms' | 's' | 'm'];
}

describe.skipIf(!available)('docker-compose.yml', () => {
  const project = available ? composeProject() : { services: {} };
  const { services } = project;

  it('passes docker-compose config -q', () => {
    expect(() => execFileSync(DOCKER_COMPOSE, ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('runs nginx, the API, the workers, RabbitMQ, Redis and PostgreSQL, each with a health check, started in order of health', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'nginx', 'postgres', 'rabbitmq', 'redis', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, `${name} has a health check`).toBeTruthy();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} waits for ${dependency} to be healthy`).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.api!.depends_on!).sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
    expect(Object.keys(services.worker!.depends_on!).sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
    expect(Object.keys(services.nginx!.depends_on!)).toEqual(['api']);
  });

  it('publishes port 80 on nginx only, and leaves the worker free to scale', () => {
    expect(services.nginx!.ports).toEqual([{ published: 80, target: 80 }]);
    for (const name of ['api', 'worker', 'rabbitmq', 'redis', 'postgres']) expect(services[name]!.ports, name).toBeUndefined();
    expect(services.worker!.container_name).toBeUndefined();
  });

  it('keeps RabbitMQ, Redis and PostgreSQL data in named volumes, Redis with append-only persistence', () => {
    expect(Object.keys(project.volumes ?? {}).sort()).toEqual(['postgres-data', 'rabbitmq-data', 'redis-data']);
    expect(services.postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data:rw');
    expect(services.rabbitmq!.volumes).toContain('rabbitmq-data:/var/lib/rabbitmq:rw');
    expect(services.redis!.volumes).toContain('redis-data:/data:rw');
    expect((services.redis!.command as string[]).join(' ')).toContain('--appendonly yes');
  });

  it('sets only environment variables the config schema accepts, with values it accepts, on the API and the workers', () => {
    for (const [name, mode] of [
      ['api', 'api'],
      ['worker', 'worker'],
    ] as const) {
      const environment = services[name]!.environment!;
      expect(
        Object.keys(environment).filter((variable) => !(ENVIRONMENT_VARIABLES as string[]).includes(variable)),
        name,
      ).toEqual([]);
      expect(loadConfig(environment).mode).toBe(mode);
    }
  });

  it("runs the workers with the image's CMD, and the API with the arguments npm run start:api gives it", () => {
    expect(services.worker!.command).toBeUndefined();
    expect(services.api!.command).toEqual(['node', ...API_SERVICE_ARGS]);
  });

  it('runs the official PostgreSQL image, checked with pg_isready, and points the API and the workers at it with its credentials', () => {
    const postgres = services.postgres!;
    expect(postgres.image).toMatch(/^postgres:17/);
    expect(JSON.stringify(postgres.healthcheck!.test)).toContain('pg_isready');
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = postgres.environment!;
    for (const name of ['api', 'worker']) {
      const archive = loadConfig(services[name]!.environment).archive;
      expect(archive, name).toEqual({ kind: 'postgres', url: `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}` });
    }
  });

  it('lets RabbitMQ take a job carrying the largest upload', () => {
    const config = (services.rabbitmq!.volumes ?? [])
      .filter((volume) => volume.split(':')[1]!.startsWith('/etc/rabbitmq/conf.d/'))
      .map((volume) => fs.readFileSync(volume.split(':')[0]!, 'utf8'))
      .join('\n');
    const maxMessageSize = Number(/^max_message_size\s*=\s*(\d+)$/m.exec(config)?.[1]);
    expect(maxMessageSize).toBeGreaterThan(loadConfig(services.api!.environment).limits.maxUploadBytes + 64 * 1024);
  });

  it('mounts nginx entrypoint hooks the image will run: it skips those without the execute bit', () => {
    const hooks = (services.nginx!.volumes ?? []).filter((volume) => volume.split(':')[1]!.startsWith('/docker-entrypoint.d/'));
    expect(hooks.length).toBeGreaterThan(0);
    for (const hook of hooks) expect(fs.statSync(hook.split(':')[0]!).mode & 0o111, hook).not.toBe(0);
  });

  it("sets on nginx only variables its template or entrypoint hooks read, and on RabbitMQ only the image's own", () => {
    const nginx = services.nginx!;
    const read = (nginx.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .flatMap((mounted) => (fs.statSync(mounted).isDirectory() ? fs.readdirSync(mounted).map((name) => path.join(mounted, name)) : [mounted]))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    expect(Object.keys(nginx.environment!).filter((variable) => !read.includes(`\${${variable}`))).toEqual([]);
    expect(Object.keys(services.rabbitmq!.environment!).filter((variable) => !variable.startsWith('RABBITMQ_'))).toEqual([]);
  });

  it("gives nginx the API upstream, an upload limit just above the API's, and a read timeout beyond the longest wait", () => {
    const api = loadConfig(services.api!.environment);
    const nginx = services.nginx!.environment!;
    expect(nginx.API_UPSTREAM).toBe(`api:${api.http.port}`);
    const [conf] = renderNginxTemplates(services.nginx!, nginx).values();
    const bodyLimit = Number(/client_max_body_size (\d+);/.exec(conf!)![1]);
    expect(bodyLimit).toBeGreaterThan(api.limits.maxUploadBytes);
    expect(bodyLimit).toBeLessThanOrEqual(api.limits.maxUploadBytes + 2 * 1024 * 1024);
    const readTimeout = nginxSeconds(/proxy_read_timeout (\w+);/.exec(conf!)![1]!);
    expect(readTimeout).toBeGreaterThan(MAX_WAIT_SECONDS);
    const directives = conf!.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(
      directives.filter((line) => /\$\{\w+\}/.test(line)),
      'template variables left unset',
    ).toEqual([]);
  });
});
