import fs from 'node:fs';

/**
 * Whether a program a test needs is installed. Elsewhere a missing one skips its tests with one line saying how
 * to get it; under CI it fails the run instead, because `.ci/run` installs it and a skip would hide a broken set-up.
 */
export function hasProgram(file: string, debianPackage: string): boolean {
  if (fs.existsSync(file)) return true;
  const message = `${file} is not installed: apt-get install ${debianPackage}`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}
