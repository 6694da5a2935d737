import { createWorker, OEM, type PSM, type Worker } from 'tesseract.js';

/** Raw tesseract.js: the original bytes, nothing of the service's in between, one warm worker per language set. */
export interface RawReader {
  read(image: Buffer, lang: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A raw reader with tesseract.js's defaults (`psm` unset: it reads the page as one block), or in the page
 * segmentation mode given, e.g. `PSM.AUTO`, tesseract's own layout analysis, what its command line does.
 * `langPath` is the language catalog's: nothing is fetched.
 */
export function createRawReader(langPath: string, psm?: PSM): RawReader {
  const workers = new Map<string, Promise<Worker>>();
  const workerFor = (lang: string) => {
    let worker = workers.get(lang);
    if (!worker) {
      worker = createWorker(lang.split('+'), OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none', errorHandler: () => {} }).then(
        async (created) => {
          if (psm !== undefined) await created.setParameters({ tessedit_pageseg_mode: psm });
          return created;
        },
      );
      workers.set(lang, worker);
    }
    return worker;
  };
  return {
    read: async (image, lang) => (await (await workerFor(lang)).recognize(image)).data.text,
    close: async () => {
      await Promise.all([...workers.values()].map(async (worker) => (await worker).terminate()));
    },
  };
}
