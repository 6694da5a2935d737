import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  instructions: Instruction[];
}

/** Reads a Dockerfile into its stages (`FROM image AS name` starts one). */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim());
  const stages: Stage[] = [];
  for (const line of lines.filter((candidate) => candidate && !candidate.startsWith('#'))) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword || args === undefined) throw new Error(`unreadable Dockerfile line: ${line}`);
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const [, name] = /\sAS\s+(\S+)$/i.exec(args) ?? [];
      stages.push({ name: name ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      throw new Error(`${keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec form of CMD or `HEALTHCHECK [options] CMD`: the argument list. */
export function execForm(instruction: Instruction): string[] {
  const json = instruction.args.slice(instruction.args.indexOf('['));
  return JSON.parse(json) as string[];
}

const globToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split(/(\*\*|\*|\?)/)
      .map((part) => ({ '**': '.*', '*': '[^/]*', '?': '[^/]' })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('')}$`,
  );

/**
 * Whether `.dockerignore` keeps `relativePath` out of the build context, as Docker decides: the last matching
 * pattern wins, `!` re-includes, and a pattern that matches a folder matches everything in it.
 */
export function isIgnored(relativePath: string, dockerignore: string): boolean {
  const rules = dockerignore
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      return { negated, pattern: globToRegExp(path.posix.normalize(line.slice(negated ? 1 : 0)).replace(/^\/+/, '')) };
    });
  const segments = relativePath.split('/');
  const candidates = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const { negated, pattern } of rules) if (candidates.some((candidate) => pattern.test(candidate))) ignored = !negated;
  return ignored;
}

/** Asynchronous, so the test runner stays responsive (and its timeouts work) during the long installs. */
async function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await promisify(execFile)('sh', ['-c', command], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`RUN ${command} failed in ${cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

export interface BuiltImage {
  /** The final stage's WORKDIR, as a folder. */
  workdir: string;
  cmd: string[];
  healthcheck: string[];
}

export interface BuildOptions {
  context: string;
  /** Each stage's file system goes into `<out>/<stage name>`. */
  out: string;
  /** RUN commands left out: steps that only shrink the image and would touch the machine outside `out`. */
  skipRun: RegExp;
  /**
   * An install Docker's layer cache would answer: when the stage's lockfile is the one `from` was installed with
   * (npm ci installs exactly what the lockfile pins), the stage's node_modules are hard links to `from`'s.
   */
  cachedInstall?: { command: RegExp; from: string };
  env: NodeJS.ProcessEnv;
}

/** Whether `cachedInstall` answers `command` in `workdir`, and if so, links the modules in. */
async function installFromCache(command: string, workdir: string, cachedInstall: BuildOptions['cachedInstall']): Promise<boolean> {
  if (!cachedInstall?.command.test(command)) return false;
  const lockfile = (folder: string) => fs.readFileSync(path.join(folder, 'package-lock.json'));
  if (!lockfile(workdir).equals(lockfile(path.dirname(cachedInstall.from)))) return false;
  await promisify(execFile)('cp', ['-al', cachedInstall.from, path.join(workdir, 'node_modules')]);
  return true;
}

interface CopyPlaces {
  workdir: string;
  context: string;
  stageRoots: Map<string, string>;
  dockerignore: string;
}

/** `COPY [--from=stage] source... dest`, with Docker's rules for folders and for a destination ending in `/`. */
function copy(args: string, { workdir, context, stageRoots, dockerignore }: CopyPlaces): void {
  const words = args.split(/\s+/);
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  const dest = paths.pop()!;
  const sourceRoot = from === undefined ? context : stageRoots.get(from);
  if (!sourceRoot) throw new Error(`COPY --from=${from}: no such stage`);
  const fromContext = (file: string) => path.relative(context, file).split(path.sep).join('/');
  for (const source of paths) {
    const sourcePath = path.join(sourceRoot, source);
    if (from === undefined && isIgnored(fromContext(sourcePath), dockerignore)) {
      throw new Error(`COPY ${source}: .dockerignore keeps it out of the build context`);
    }
    // A folder's contents go into the destination; a file goes into it when it names a folder.
    const intoFolder = !fs.statSync(sourcePath).isDirectory() && (dest.endsWith('/') || paths.length > 1);
    const target = path.join(workdir, dest, intoFolder ? path.basename(source) : '');
    fs.cpSync(sourcePath, target, {
      recursive: true,
      filter: (file) => from !== undefined || !isIgnored(fromContext(file), dockerignore),
    });
  }
}

/**
 * Builds a Dockerfile without Docker: each stage is a folder, COPY copies from the context (minus what
 * .dockerignore excludes) or from an earlier stage's folder, and RUN runs in the WORKDIR folder.
 * It understands the instructions this project's Dockerfile uses and fails on any other.
 */
export async function buildWithoutDocker(dockerfile: string, { context, out, skipRun, cachedInstall, env }: BuildOptions): Promise<BuiltImage> {
  const dockerignore = fs.readFileSync(path.join(context, '.dockerignore'), 'utf8');
  const stageRoots = new Map<string, string>();
  let built: BuiltImage | undefined;
  for (const stage of parseDockerfile(fs.readFileSync(path.join(context, dockerfile), 'utf8'))) {
    const root = path.join(out, stage.name);
    stageRoots.set(stage.name, root);
    let workdir = root;
    const image: BuiltImage = { workdir, cmd: [], healthcheck: [] };
    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          workdir = path.join(root, args);
          fs.mkdirSync(workdir, { recursive: true });
          break;
        case 'COPY':
          copy(args, { workdir, context, stageRoots, dockerignore });
          break;
        case 'RUN':
          for (const command of args.split('&&').map((part) => part.trim())) {
            if (skipRun.test(command) || (await installFromCache(command, workdir, cachedInstall))) continue;
            await run(command, workdir, env);
          }
          break;
        case 'CMD':
          image.cmd = execForm({ keyword, args });
          break;
        case 'HEALTHCHECK':
          image.healthcheck = execForm({ keyword, args });
          break;
        // Neither changes the files; the non-root user is Docker's to enforce.
        case 'USER':
        case 'EXPOSE':
          break;
        default:
          throw new Error(`buildWithoutDocker does not understand ${keyword}`);
      }
    }
    image.workdir = workdir;
    built = image;
  }
  if (!built) throw new Error(`${dockerfile} has no stage`);
  return built;
}
