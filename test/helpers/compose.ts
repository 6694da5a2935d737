import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { ROOT } from './service.js';

export const DOCKER_COMPOSE = '/usr/bin/docker-compose';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  ports?: unknown[];
  volumes?: string[];
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * The project's docker-compose.yml as docker-compose itself resolves it (anchors merged, `${VAR:-default}`
 * interpolated, relative paths made absolute), so tests read what a deployment would run.
 */
export function composeProject(): ComposeProject {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const yaml = execFileSync(DOCKER_COMPOSE, ['--project-directory', ROOT, '-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  return parse(yaml) as ComposeProject;
}
