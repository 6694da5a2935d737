import fs from 'node:fs';
import { createRequire } from 'node:module';

/** A bound on PDFium's WebAssembly heap, which otherwise grows up to 2 GiB and never shrinks. */
export interface HeapLimit {
  maxBytes: number;
  /** Told each time PDFium asks to grow its heap past `maxBytes` and is refused. */
  onRefused(): void;
}

/** The part of the WebAssembly global used here: the `lib` this project compiles with declares none. */
declare const WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }> };

/**
 * What `PDFiumLibrary.init` takes as `instantiateWasm`, emscripten's hook for instantiating the module itself: it is
 * given the imports, and hands the instance to `receive` (which the package's types name a module).
 */
type Instantiation = (imports: { env: object }, receive: (instance: never) => void) => object;

/**
 * Instantiates PDFium's WebAssembly module with its heap held to `limit`. PDFium grows its heap through one import
 * (emscripten's `emscripten_resize_heap`, given the size it needs): wrapped, it refuses any size past the limit, and
 * the allocation that needed it fails inside PDFium as it would on a machine out of memory.
 */
export function heapLimitedInstantiation(limit: HeapLimit): Instantiation {
  const wasm = fs.readFileSync(createRequire(import.meta.url).resolve('@hyzyla/pdfium/pdfium.wasm'));
  return (imports, receive) => {
    const env = imports.env as Record<string, (size: number) => number>;
    const resize = env.emscripten_resize_heap!;
    env.emscripten_resize_heap = (size) => {
      // The size arrives as a signed 32-bit number: sizes from 2 GiB up are negative.
      if (size >>> 0 <= limit.maxBytes) return resize(size);
      limit.onRefused();
      return 0;
    };
    void WebAssembly.instantiate(wasm, imports).then(({ instance }) => receive(instance as never));
    return {};
  };
}
