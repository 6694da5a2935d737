import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { uploadFormSchema } from '../upload-options.js';

export interface OpenApiOptions {
  /** Whether uploads may carry callback_url: the document shows only the options this server takes. */
  callbacksEnabled: boolean;
}

/**
 * The OpenAPI document (`GET /openapi.json`) and its page (`GET /docs`), generated from the route schemas.
 * Registered before the routes, and not encapsulated, so it sees every route of the app.
 */
export const openApi = fp<OpenApiOptions>(async (app, { callbacksEnabled }) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'image-ocr-app',
        description: 'Asynchronous OCR: upload an image, get a task id at once, fetch the text when it is ready.',
        version: '0.1.0',
        // The licence in LICENSE and package.json.
        license: { name: 'MIT' },
      },
      // Relative, so the page's Execute calls whatever host and port (or nginx in front) served the page.
      servers: [{ url: '/', description: 'The server this document came from' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS, as "Authorization: Bearer <key>".' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key from API_KEYS.' },
        },
      },
    },
    // A shared schema is a component named by its $id (ErrorBody, JobBody), not numbered.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
    // Multipart bodies are read as a stream, not validated by a body schema, so the form is described here only.
    transform: ({ schema, url }) => ({
      schema: url === '/upload' && schema ? { ...schema, body: uploadFormSchema({ callbacksEnabled }) } : schema,
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
