import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { errorResponse } from '../shared-schemas.js';
import { uploadFormSchema } from '../upload-options.js';

export interface OpenApiOptions {
  /** Whether uploads may carry callback_url: the document shows only the options this server takes. */
  callbacksEnabled: boolean;
  /** Whether the server has API keys: only then does the document ask for one. */
  keysEnabled: boolean;
}

const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS, as "Authorization: Bearer <key>".' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key from API_KEYS.' },
} as const;

// Node answers it for any path, before a route is found, so every operation can meet it.
const requestTimeout = errorResponse(
  'The request headers did not arrive within HTTP_HEADERS_TIMEOUT_MS, or the whole request within HTTP_REQUEST_TIMEOUT_MS (REQUEST_TIMEOUT).',
);

/**
 * A route's schema as the document shows it. Without keys on the server, no operation asks for one and none
 * answers 401. Multipart bodies are read as a stream, not validated by a body schema, so the upload's form is
 * described here only.
 */
function documented(url: string, schema: FastifySchema, { callbacksEnabled, keysEnabled }: OpenApiOptions): FastifySchema {
  const { security, response = {}, ...rest } = schema;
  const { 401: unauthorized, ...responses } = response as Record<string, unknown>;
  return {
    ...rest,
    ...(keysEnabled && security !== undefined && { security }),
    response: { ...responses, ...(keysEnabled && unauthorized !== undefined && { 401: unauthorized }), 408: requestTimeout },
    ...(url === '/upload' && { body: uploadFormSchema({ callbacksEnabled }) }),
  };
}

/**
 * The OpenAPI document (`GET /openapi.json`) and its page (`GET /docs`), generated from the route schemas.
 * Registered before the routes, and not encapsulated, so it sees every route of the app.
 */
export const openApi = fp<OpenApiOptions>(async (app, options) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'image-ocr-app',
        description: 'Asynchronous OCR: upload an image, get a task id at once, fetch the text when it is ready.',
        version: '0.1.0',
        // The licence in LICENSE and package.json.
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      // Relative, so the page's Execute calls whatever host and port (or nginx in front) served the page.
      servers: [{ url: '/', description: 'The server this document came from' }],
      // Without keys, an explicit "no security": the service is open, and the document says so.
      ...(options.keysEnabled ? { components: { securitySchemes } } : { security: [] }),
    },
    // A shared schema is a component named by its $id (Task, ErrorBody), not numbered.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
    transform: ({ schema, url }) => ({ schema: schema && documented(url, schema, options), url }),
  });
  // Try it out on as the page loads: choose a file and press Execute.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { tryItOutEnabled: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
