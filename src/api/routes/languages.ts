import type { FastifyPluginAsync } from 'fastify';
import { openToAll } from '../../http/security.js';
import type { LanguageCatalog } from '../../ocr/engine/languages.js';
import { DEFAULT_LANGUAGE } from '../upload-options.js';

export interface LanguageRouteDependencies {
  catalog: LanguageCatalog;
}

const languagesBodySchema = {
  description: 'The installed languages.',
  type: 'object',
  required: ['languages', 'default', 'combine'],
  properties: {
    languages: { type: 'array', items: { type: 'string' }, description: 'Installed Tesseract language codes, for lang=.' },
    default: { type: 'string' },
    combine: { type: 'string', description: 'How to ask for several languages at once.' },
  },
} as const;

/** `GET /languages`: the language packs this service has on disk. */
export const languageRoutes: FastifyPluginAsync<LanguageRouteDependencies> = async (app, { catalog }) => {
  app.get(
    '/languages',
    { schema: { operationId: 'listLanguages', summary: 'Installed OCR languages', security: openToAll, response: { 200: languagesBodySchema } } },
    async () => ({
      languages: catalog.installed,
      default: DEFAULT_LANGUAGE,
      combine: 'Join codes with "+", as in lang=eng+deu; lang=auto finds the language among the installed ones.',
    }),
  );
};
