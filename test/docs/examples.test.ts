import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, readMarkdown, type CodeBlock } from '../helpers/markdown.js';
import { ROOT, startService, type RunningService } from '../helpers/service.js';
import { copyEmptyPgliteDatabase } from '../helpers/pglite-template.js';

/**
 * Every shell example of the README and docs/ runs as written against a started service (`npm start`'s process on a
 * free port), from a folder where `test/` is the repository's, so an example that names a file the repository lacks,
 * or gets an error it does not announce, fails here. An example announces the status it expects in the comment right
 * under it (`# 409 {"error": …}`); without one, any status from 400 up fails it. A block that cannot run here (it
 * installs, starts or deploys something) says why in a `<!-- not run: reason -->` comment just before it.
 */

const DOCUMENTS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const SHELLS = new Set(['sh', 'bash', 'console', 'shell']);
/** A few blocks need a machine of their own (Docker, system packages, another terminal); more would mean untested docs. */
const MOST_NOT_RUN = 8;
const CLI = `node ${JSON.stringify(path.join(ROOT, 'dist/cli/main.js'))}`;

interface Command {
  line: number;
  text: string;
  /** The HTTP status the comment under the command announces. */
  expectedStatus?: number;
}

const blocks = DOCUMENTS.flatMap((file) => codeBlocks(file, readMarkdown(file))).filter((block) => SHELLS.has(block.lang));
const runnable = blocks.filter((block) => block.notRun === undefined);
const notRun = blocks.filter((block) => block.notRun !== undefined);

/** The block's commands: continued lines joined, `$ ` prompts of console blocks dropped, each with the status announced under it. */
function commandsOf(block: CodeBlock): Command[] {
  const commands: Command[] = [];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!.trim();
    if (block.lang === 'console') {
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    }
    if (text === '') continue;
    if (text.startsWith('#')) {
      const status = /^#\s*(\d{3})\b/.exec(text);
      const last = commands.at(-1);
      if (status && last && last.expectedStatus === undefined) last.expectedStatus = Number(status[1]);
      continue;
    }
    const line = block.line + 1 + i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    commands.push({ line, text: text.replace(/\s+#\s.*$/, '') });
  }
  return commands;
}

function run(command: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.IMAGE_OCR_SERVER;
  delete env.IMAGE_OCR_API_KEY;
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let service: RunningService;
let workdir: string;
let taskId: string | undefined;

/** The command as it runs here: the service's own address for the documented one, the last task's id for `<task_id>`. */
function prepared(command: Command, where: string): string {
  let text = command.text.replace(/http:\/\/localhost(:3000)?(?=[/"'\s]|$)/g, service.url);
  if (text.includes('<task_id>')) {
    if (!taskId) throw new Error(`${where}: <task_id> with no upload before it`);
    text = text.replaceAll('<task_id>', taskId);
  }
  const placeholder = /<[a-z_]+>/.exec(text);
  if (placeholder) throw new Error(`${where}: placeholder ${placeholder[0]} that the test cannot fill`);
  return text;
}

const STATUS_MARK = '@@docs-example-status=';

/** An answer to `wait=` that came before the task ended: the task still running, or a rendition not there yet. */
function stillRunning(status: number, body: string): boolean {
  if (status === 409) return body.includes('"NO_RESULT"');
  return status === 200 && /^\{"task_id":"[^"]+","status":"(queued|processing)"/.test(body);
}

async function runCurl(command: Command, where: string): Promise<void> {
  const text = prepared(command, where).replace(/^curl\s/, `curl -sS --write-out '\\n${STATUS_MARK}%{http_code}\\n' `);
  // wait= holds a request 30 s at most: on a machine slower than that, a client asks again, and so does the test.
  const attempts = /[?&]wait=/.test(text) ? 4 : 1;
  let status = 0;
  let body = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const { code, stdout, stderr } = await run(text, workdir);
    expect(code, `${where}: curl exited ${code} (26: a file it names does not exist)\n${stderr}`).toBe(0);
    const marked = stdout.lastIndexOf(STATUS_MARK);
    expect(marked, `${where}: no status came back (an example's curl must write to stdout or -o)`).toBeGreaterThanOrEqual(0);
    status = Number(stdout.slice(marked + STATUS_MARK.length).trim());
    body = stdout.slice(0, marked).trim();
    if (!stillRunning(status, body)) break;
  }
  if (command.expectedStatus !== undefined) expect(status, `${where}: ${body}`).toBe(command.expectedStatus);
  else expect(status, `${where}: an error the example does not announce: ${body}`).toBeLessThan(400);
  try {
    const answer = JSON.parse(body) as { task_id?: unknown };
    if (typeof answer.task_id === 'string') taskId = answer.task_id;
  } catch {
    // not JSON: a rendition, a page or nothing
  }
}

async function runCli(command: Command, where: string): Promise<void> {
  const text = prepared(command, where).replace(/^(?:npx\s+)?image-ocr(?=\s)/, CLI);
  const { code, stderr } = await run(text, workdir);
  expect(code, `${where}: image-ocr exited ${code}\n${stderr}`).toBe(0);
}

beforeAll(async () => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-docs-'));
  // Examples name the repository's files as from its root, and write what they fetch beside them: not into the repository.
  fs.symlinkSync(path.join(ROOT, 'test'), path.join(workdir, 'test'));
  service = await startService({ ARCHIVE: 'pglite', ARCHIVE_DIR: await copyEmptyPgliteDatabase(path.join(workdir, 'archive')), LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await service?.stop();
  if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
});

describe('reading an example', () => {
  it('joins continued lines, drops prompts and comments, and takes the status announced under a command', () => {
    const block: CodeBlock = {
      file: 'x.md',
      line: 1,
      lang: 'sh',
      code: '# a comment\ncurl -F file=@a.png \\\n  http://localhost:3000/upload\n# 202 {"task_id":"…"}\ncurl http://localhost/x # why\n',
    };
    expect(commandsOf(block)).toEqual([
      { line: 3, text: 'curl -F file=@a.png http://localhost:3000/upload', expectedStatus: 202 },
      { line: 6, text: 'curl http://localhost/x' },
    ]);
    expect(commandsOf({ file: 'x.md', line: 1, lang: 'console', code: '$ curl http://localhost:3000/health\n{"status":"ok"}' })).toEqual([
      { line: 2, text: 'curl http://localhost:3000/health' },
    ]);
  });

  it('fails an example that names a file the repository lacks, or meets an error it does not announce', async () => {
    await expect(runCurl({ line: 1, text: 'curl -F file=@contract.pdf http://localhost:3000/upload' }, 'x.md:1')).rejects.toThrow(/exited 26/);
    await expect(runCurl({ line: 1, text: 'curl http://localhost:3000/result/nothing' }, 'x.md:1')).rejects.toThrow(/does not announce/);
    await runCurl({ line: 1, text: 'curl http://localhost:3000/result/nothing', expectedStatus: 404 }, 'x.md:1');
  });
});

describe('the shell examples of the README and docs/', () => {
  it('runs nearly all of them, and says why of each it does not', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(15);
    expect(notRun.length).toBeLessThanOrEqual(MOST_NOT_RUN);
    for (const block of notRun) expect(block.notRun, `${block.file}:${block.line}`).toMatch(/\w{3}/);
  });

  // A block may read a folder of pages, documents and a searchable PDF in a row: minutes on a busy machine.
  it.each(runnable.map((block) => [`${block.file}:${block.line}`, block] as const))('%s', { timeout: 180_000 }, async (where, block) => {
    const commands = commandsOf(block);
    expect(commands.length, `${where}: a block with no command`).toBeGreaterThan(0);
    for (const command of commands) {
      const at = `${block.file}:${command.line}: ${command.text}`;
      if (/^curl\s/.test(command.text)) await runCurl(command, at);
      else if (/^sleep \d+(\.\d+)?$/.test(command.text)) await new Promise((resolve) => setTimeout(resolve, Number(command.text.slice(6)) * 1000));
      else if (/^(?:npx\s+)?image-ocr\s/.test(command.text)) await runCli(command, at);
      else throw new Error(`${at}: neither curl, image-ocr nor sleep; mark the block <!-- not run: reason --> if it cannot run in a test`);
    }
  });
});
