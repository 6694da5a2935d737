import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/service.js';

/** Starts `node dist/main.js` with the given settings and collects what it says until it exits. */
function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH, PORT: '0', ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('start-up with bad settings', () => {
  it('stops with exit code 1 and names every bad variable, secrets hidden', async () => {
    const { code, stderr } = await run({ PORT: 'eighty', MODE: 'sideways', API_KEYS: 'me:short-secret' });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain('PORT="eighty"');
    expect(stderr).toContain('MODE="sideways"');
    expect(stderr).toContain('API_KEYS=(hidden)');
    expect(stderr).not.toContain('short-secret');
  });

  it('refuses to warm up a language that is not installed', async () => {
    const { code, stderr } = await run({ OCR_LANGS: 'eng,eng+xyz' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/OCR_LANGS="eng,eng\+xyz": Unsupported language "xyz"/);
  });
});
