import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './service.js';

export interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the built command (`dist/cli/main.js`, the package's bin) without IMAGE_OCR_SERVER from outside. */
export function imageOcr(args: string[], { onStart }: { onStart?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env.IMAGE_OCR_SERVER;
  delete env.IMAGE_OCR_API_KEY;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onStart?.(child);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr })));
}
