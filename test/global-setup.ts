import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end tests run the built service (and its web page) exactly as `npm start` does, so build it first: only
 * when a source changed since the last build, as `npm start` does, so a run of one test file does not wait on tsc.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npm', ['run', 'build:changed', '--silent'], { cwd: root, stdio: 'inherit' });
}
