import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { preparePgliteTemplate } from './helpers/pglite-template.js';

/**
 * End-to-end tests run the built service (and its web page) exactly as `npm start` does, so build it first: only
 * when a source changed since the last build, as `npm start` does, so a run of one test file does not wait on tsc.
 * The empty archive database the tests copy is made meanwhile.
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const build = new Promise<void>((resolve, reject) => {
    spawn('npm', ['run', 'build:changed', '--silent'], { cwd: root, stdio: 'inherit' })
      .on('error', reject)
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build:changed exited ${code}`))));
  });
  await Promise.all([build, preparePgliteTemplate()]);
}
