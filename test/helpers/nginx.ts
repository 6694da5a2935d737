import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComposeService } from './compose.js';
import { freePort } from './service.js';

export const NGINX = '/usr/sbin/nginx';

const TEMPLATES_TARGET = '/etc/nginx/templates';
const HOOKS_TARGET = '/docker-entrypoint.d/';
const TEMPLATE_SUFFIX = '.template';

export interface RunningNginx {
  url: string;
  /** nginx's access log (stdout) and error log (stderr) so far. */
  logs(): string;
  stop(): Promise<void>;
}

/** The host side of a compose volume mounted at `target` (compose's resolved form is `host:target[:mode]`). */
function mountsUnder(service: ComposeService, target: string): string[] {
  return (service.volumes ?? [])
    .map((volume) => volume.split(':'))
    .filter(([, mountedAt]) => mountedAt === target || (target.endsWith('/') && mountedAt?.startsWith(target)))
    .map(([host]) => host!);
}

/**
 * Renders the templates the nginx service mounts, the way the official nginx image's entrypoint does: it sources
 * the mounted `*.envsh` hooks in name order, then replaces `${NAME}` for every variable then defined, leaving
 * nginx's own `$variables` alone. Returns the rendered files by name (`default.conf`).
 */
export function renderNginxTemplates(service: ComposeService, env: Record<string, string>): Map<string, string> {
  const [templatesDir] = mountsUnder(service, TEMPLATES_TARGET);
  if (!templatesDir) throw new Error(`the nginx service mounts no ${TEMPLATES_TARGET}`);
  const hooks = mountsUnder(service, HOOKS_TARGET).filter((file) => file.endsWith('.envsh'));
  hooks.sort((a, b) => path.basename(a).localeCompare(path.basename(b), 'en', { numeric: true }));
  const script = [
    'set -e',
    ...hooks.map((hook) => `. '${hook}'`),
    `envsubst "$(env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\${\\1}/p')" < "$1"`,
  ].join('\n');
  const rendered = new Map<string, string>();
  for (const name of fs.readdirSync(templatesDir).filter((file) => file.endsWith(TEMPLATE_SUFFIX))) {
    const text = execFileSync('sh', ['-c', script, 'render', path.join(templatesDir, name)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      encoding: 'utf8',
    });
    rendered.set(name.slice(0, -TEMPLATE_SUFFIX.length), text);
  }
  return rendered;
}

async function waitForNginx(url: string, logs: () => string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`nginx exited:\n${logs()}`);
    try {
      if ((await fetch(`${url}/nginx-health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not answer in 10 s:\n${logs()}`);
}

/**
 * Runs Debian's nginx in the foreground with the project's rendered templates, on a free loopback port, with its
 * prefix, pid file and temp folders in a fresh temp folder. The main configuration written here plays the part of
 * the image's stock nginx.conf, which includes conf.d/*.conf inside `http`.
 */
export async function startNginx(service: ComposeService, env: Record<string, string>): Promise<RunningNginx> {
  const port = await freePort();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-app-nginx-'));
  // Run as root, nginx's workers drop to nobody, who must reach the temp folders nginx creates in here.
  fs.chmodSync(prefix, 0o755);
  fs.mkdirSync(path.join(prefix, 'conf.d'));
  for (const [name, text] of renderNginxTemplates(service, { ...env, NGINX_LISTEN: `127.0.0.1:${port}` })) {
    fs.writeFileSync(path.join(prefix, 'conf.d', name), text);
  }
  const temp = (name: string) => `${name}_temp_path ${path.join(prefix, 'temp', name)};`;
  fs.writeFileSync(
    path.join(prefix, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      'events { worker_connections 512; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
      `  include ${path.join(prefix, 'conf.d', '*.conf')};`,
      '}',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(prefix, 'temp'));

  // nginx reopens /dev/stdout for its access log, which works on a file but not on a pipe.
  const logFile = path.join(prefix, 'output.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(NGINX, ['-p', `${prefix}/`, '-e', 'stderr', '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  let finalOutput: string | undefined;
  const output = () => finalOutput ?? fs.readFileSync(logFile, 'utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    finalOutput = output();
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForNginx(url, output, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logs: output, stop };
}
