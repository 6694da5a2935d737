import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createLanguageCatalog, type LanguageCatalog } from './ocr/engine/languages.js';
import { startService } from './service.js';

/** The web page, built by `npm run build` next to this file (`dist/web`). */
const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/** Parses the settings, or stops the process with every bad variable named. */
function readConfig(catalog: LanguageCatalog): Config {
  try {
    const config = loadConfig();
    const unknown = config.ocr.preloadLanguageSets.flatMap((set) => {
      try {
        catalog.parseLanguageSet(set);
        return [];
      } catch (error) {
        return [`OCR_LANGS=${JSON.stringify(process.env.OCR_LANGS)}: ${(error as Error).message}`];
      }
    });
    if (unknown.length > 0) throw new ConfigError(unknown);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Starts what MODE asks for and drains it all on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const catalog = createLanguageCatalog();
  const config = readConfig(catalog);
  const logger = createLogger(config.logLevel, config.mode);
  const metrics = createMetrics();
  const service = await startService({ config, catalog, logger, metrics, webRoot: WEB_ROOT });

  closeWithGrace({ delay: config.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an unexpected error');
    else logger.info({ signal }, 'shutting down: finishing jobs in flight');
    await service.stop();
    logger.info('shutdown complete');
  });
}

await main();
