// The script of a tesseract.js worker thread: tesseract.js's own, with three additions.
// - A full garbage collection every FULL_GC_EVERY_JOBS recognitions. A thread's V8 heap only ever runs minor
//   collections between jobs (each job leaves a few kilobytes of old garbage, and V8 starts its first major
//   collection only at a heap limit sized for the whole machine), so without this a worker thread grows by a
//   little with every job for as long as it lives.
// - The TSV's line rows alone, when a job asks for `tsv: 'lines'`, and its line and word rows without the words' text,
//   when it asks for `tsv: 'words'`: the engine needs only where each line sits (to tell real paragraph breaks from
//   tesseract's guesses) and, on a picture, each word's box and confidence (to tell its background from its labels),
//   and tesseract's full TSV walks the page symbol by symbol, a visible share of the recognition time of a dense page.
// - No TSV rows for the regions tesseract's own layout analysis (PSM 3) takes for pictures: they hold no text, and the
//   page's text has no line for them, so a TSV with them has more lines than the text, and nothing that pairs the
//   text's lines with their boxes (paragraph breaks, regions, a picture's background marks) could pair them.
// Plain JavaScript, not TypeScript: Node starts it as a thread from this file, in the sources and in dist alike.
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';

/** A full collection of this small heap takes a few milliseconds; every 100 jobs it costs well under 0.1 %. */
const FULL_GC_EVERY_JOBS = 100;
/** The `tsv` outputs that ask for the line rows only, and for the line and word rows (the engine's `TSV_ROWS`). */
const TSV_ROWS = ['lines', 'words'];
/**
 * tesseract's page iterator levels (`PageIteratorLevel` of its public API). The WASM module sets its own copies of
 * these only at a point tesseract.js never reaches, so they are spelled out here.
 */
const [RIL_BLOCK, RIL_PARA, RIL_TEXTLINE, RIL_WORD] = [0, 1, 2, 3];
/** tesseract's block types (`PolyBlockType`) of a region it takes for a picture: PT_FLOWING_IMAGE, PT_HEADING_IMAGE, PT_PULLOUT_IMAGE. */
const IMAGE_BLOCK_TYPES = new Set([9, 10, 11]);

const require = createRequire(import.meta.url);

let recognitions = 0;
/** The rows the job being read asked for: one of TSV_ROWS, or any other value for tesseract's full TSV. */
let rowsAsked;
// Registered before tesseract.js's own handler, which reads a recognition's TSV without yielding: the flag set here
// is the one of the job it reads.
parentPort?.on('message', (packet) => {
  if (packet?.action !== 'recognize') return;
  rowsAsked = packet.payload?.output?.tsv;
  recognitions += 1;
  // Queued behind tesseract.js's own handler of this message, so it runs between recognitions, not inside one.
  if (recognitions % FULL_GC_EVERY_JOBS === 0) setImmediate(collectGarbage);
});

/**
 * The TSV's rows of level 4 (text lines), and of level 5 (words) when `withWords`, as tesseract writes them (level,
 * page, block, paragraph, line, word, left, top, width, height, confidence, text), walking the result line by line, or
 * word by word, instead of symbol by symbol, and leaving the words' text out (the engine takes it from the page's text,
 * word for word): a line's row carries no confidence, a word's its own. Blocks and paragraphs are numbered as
 * tesseract numbers them: only those holding a word count.
 */
function lineRows(tess, api, withWords) {
  const iterator = api.GetIterator();
  // No result to walk (tesseract's own TSV is empty then too).
  if (tess.getPointer(iterator) === 0) return '';
  // The box's corners come back through four ints of the module's memory, read directly: the module's own
  // `getBoundingBox` helper wraps each int it allocates in an object that it keeps cached after freeing the int.
  const corners = tess._malloc(16);
  const corner = (index) => tess.getValue(corners + 4 * index, 'i32');
  const box = (level) => {
    iterator.BoundingBox(level, corners, corners + 4, corners + 8, corners + 12);
    const [left, top, right, bottom] = [corner(0), corner(1), corner(2), corner(3)];
    return `${left}\t${top}\t${right - left}\t${bottom - top}`;
  };
  const rows = [];
  let [block, paragraph, line, word] = [0, 0, 0, 0];
  try {
    while (!iterator.Empty(RIL_BLOCK)) {
      if (IMAGE_BLOCK_TYPES.has(iterator.BlockType())) {
        iterator.Next(RIL_BLOCK);
        continue;
      }
      if (iterator.Empty(RIL_WORD)) {
        iterator.Next(RIL_WORD);
        continue;
      }
      if (iterator.IsAtBeginningOf(RIL_BLOCK)) [block, paragraph, line] = [block + 1, 0, 0];
      if (iterator.IsAtBeginningOf(RIL_PARA)) [paragraph, line] = [paragraph + 1, 0];
      if (!withWords || iterator.IsAtBeginningOf(RIL_TEXTLINE)) {
        [line, word] = [line + 1, 0];
        rows.push(`4\t1\t${block}\t${paragraph}\t${line}\t0\t${box(RIL_TEXTLINE)}\t-1\t\n`);
      }
      if (withWords) {
        word += 1;
        rows.push(`5\t1\t${block}\t${paragraph}\t${line}\t${word}\t${box(RIL_WORD)}\t${iterator.Confidence(RIL_WORD)}\t\n`);
      }
      iterator.Next(withWords ? RIL_WORD : RIL_TEXTLINE);
    }
  } finally {
    tess._free(corners);
    tess.destroy(iterator);
  }
  return rows.join('');
}

/**
 * Tesseract's full TSV without the rows of a line whose words are all blank: a region it took for a picture, which it
 * writes as a line of one word, a space, where its text writes nothing.
 */
function withoutBlankLines(tsv) {
  const rows = tsv.split('\n');
  const kept = [];
  for (let at = 0; at < rows.length;) {
    if (!rows[at].startsWith('4\t')) {
      kept.push(rows[at++]);
      continue;
    }
    let end = at + 1;
    while (end < rows.length && rows[end].startsWith('5\t')) end += 1;
    const words = rows.slice(at + 1, end);
    if (words.length === 0 || words.some((row) => (row.split('\t')[11] ?? '').trim() !== '')) kept.push(...rows.slice(at, end));
    at = end;
  }
  return kept.join('\n');
}

/** tesseract's TSV answering with the rows a job asked for (TSV_ROWS), and with no row for a region holding no text. */
function withTextRowsOnly(tess) {
  const fullTsv = tess.TessBaseAPI.prototype.GetTSVText;
  tess.TessBaseAPI.prototype.GetTSVText = function getTsv(...args) {
    return TSV_ROWS.includes(rowsAsked) ? lineRows(tess, this, rowsAsked === 'words') : withoutBlankLines(fullTsv.apply(this, args));
  };
  return tess;
}

// tesseract.js instantiates its WASM module through this adapter function: wrapped before its script loads it.
const getCorePath = require.resolve('tesseract.js/src/worker-script/node/getCore.js');
const getCore = require(getCorePath);
require.cache[getCorePath].exports = async (...args) => {
  const Core = await getCore(...args);
  return async (options) => withTextRowsOnly(await Core(options));
};

require('tesseract.js/src/worker-script/node/index.js');

// A gc() for this thread, in a process not started with --expose-gc (the flag is process-wide: it only puts gc() in
// contexts made after it, like this one).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');
