import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

export interface WebPageRouteDependencies {
  /** The built page (`dist/web`): index.html, its scripts and its styles. */
  root: string;
  /** Whether the server keeps an archive to search: the page shows its search box only then. */
  search: boolean;
}

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page may load and call only what this server serves: the browser refuses anything else, so the page works
 * offline and cannot leak a scan. Blob and data images are the previews of the files the user chose.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every file under the folder, as URL paths relative to it. */
function filesUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && Object.hasOwn(MEDIA_TYPES, path.extname(entry.name)))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

const headersFor = (file: string) => ({
  'content-type': MEDIA_TYPES[path.extname(file)]!,
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Revalidated on every load, so a new deployment's page is never mixed with an old script.
  'cache-control': 'no-cache',
});

/**
 * `GET /` and the page's files. The page is a few small files, read once at start-up into memory and served with
 * one route each (no wildcard, so every other path still answers the API's 404), hidden from the OpenAPI document.
 * `/web-page.json` tells the page what this server offers, so it asks for nothing the server would refuse (a
 * refused request is an error in the browser's console).
 */
export const webPageRoutes: FastifyPluginAsync<WebPageRouteDependencies> = async (app, { root, search }) => {
  const files = filesUnder(root).map((file) => ({ file, body: fs.readFileSync(path.join(root, file)) }));
  files.push({ file: 'web-page.json', body: Buffer.from(JSON.stringify({ search })) });
  for (const { file, body } of files) {
    const headers = headersFor(file);
    const urls = file === 'index.html' ? ['/', '/index.html'] : [`/${file}`];
    for (const url of urls) app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.headers(headers).send(body));
  }
};
