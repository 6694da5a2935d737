import { loadConfig } from './config.js';

/**
 * The container health check (`node dist/healthcheck.js`): exits 0 when this container's process answers
 * `GET /health`, 1 otherwise. One image runs every mode, so the port comes from the same configuration the
 * service reads: the worker health port for MODE=worker, the API port otherwise.
 */
async function checkHealth(): Promise<boolean> {
  const config = loadConfig();
  const port = config.mode === 'worker' ? config.workerHealthPort : config.http.port;
  // A wildcard listen address is reached on loopback; a specific one only on itself.
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}/health`);
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(4_000) })).ok;
  } catch {
    return false;
  }
}

process.exitCode = (await checkHealth()) ? 0 : 1;
