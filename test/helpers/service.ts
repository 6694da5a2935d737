import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT_VARIABLES } from '../../src/config.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningService {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process has written so far, stdout and stderr. */
  logs(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealthy(url: string, child: ChildProcess, logs: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${logs()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service did not become healthy in ${timeoutMs} ms:\n${logs()}`);
}

/** The test runner's environment without any setting of ours (vitest itself sets MODE=test). */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ENVIRONMENT_VARIABLES) delete env[name];
  return env;
}

/**
 * Node's arguments for a process that runs OCR (`MODE=all` or `worker`), as `npm start`, `npm run start:worker` and
 * the Dockerfile's CMD give them, and for an API process, as `npm run start:api` and the compose file's API give
 * them (a test holds them together). The young generation's size is the difference (README: worker memory).
 */
export const SERVICE_ARGS = ['--max-semi-space-size=2', 'dist/main.js'];
export const API_SERVICE_ARGS = ['--max-semi-space-size=8', 'dist/main.js'];

export interface StartOptions {
  healthPath?: boolean;
  /** Where to run node, and with what arguments: API_SERVICE_ARGS for `MODE=api`, SERVICE_ARGS otherwise, unless said. */
  cwd?: string;
  args?: string[];
}

/**
 * Runs the built service (`node dist/main.js` with SERVICE_ARGS, what `npm start` runs) on a free port. A `MODE=worker`
 * process serves no API: its free port is WORKER_HEALTH_PORT, and `url` points at its health checks.
 */
export async function startService(
  env: Record<string, string> = {},
  { healthPath = true, cwd = ROOT, args = env.MODE === 'api' ? API_SERVICE_ARGS : SERVICE_ARGS }: StartOptions = {},
): Promise<RunningService> {
  const portVariable = env.MODE === 'worker' ? 'WORKER_HEALTH_PORT' : 'PORT';
  const port = Number(env[portVariable] ?? (await freePort()));
  let output = '';
  const child = spawn(process.execPath, args, {
    cwd,
    // The archive is off unless a test asks for it: PGlite's default folder would be shared by every test's process.
    env: { ...inheritedEnvironment(), HOST: '127.0.0.1', LOG_LEVEL: 'info', ARCHIVE: 'off', ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': by then every log line the process wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  if (healthPath) await waitForHealthy(url, child, () => output, 60_000);
  return {
    url,
    port,
    process: child,
    logs: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Log lines of a pino JSON log, parsed; other lines are skipped. */
export function logRecords(logs: string): Array<Record<string, unknown>> {
  return logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
