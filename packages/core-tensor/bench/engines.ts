import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { backendInfo, configureCpu } from '@webgrad/core-tensor';
import type { BenchCase, BenchStep, Tfjs } from './bench-case.js';

/** One side of the comparison: webgrad in some CPU configuration, or a tfjs backend. */
export interface Engine {
  /** Key in the results JSON (`webgrad-cpu`, `tfjs-wasm`). */
  readonly id: string;
  /** Human description for the table. */
  readonly label: string;
  /** Whether this is webgrad (the side ratios are computed for). */
  readonly isWebgrad: boolean;
  /** Makes the engine active; returns why it cannot run here, or null when it can. */
  prepare(): Promise<string | null>;
  /** Builds a case's step for this engine (after `prepare`). */
  build(c: BenchCase): BenchStep;
  /** What the engine reported about itself once prepared. */
  details(): Record<string, unknown>;
}

const require = createRequire(import.meta.url);

/** The webgrad CPU configurations to measure: WebAssembly SIMD on one and on two threads. */
export function webgradEngines(): Engine[] {
  return [webgradEngine(1), webgradEngine(2)];
}

/** webgrad's CPU backend with `threads` threads for large kernels. */
function webgradEngine(threads: number): Engine {
  return {
    id: threads === 1 ? 'webgrad-cpu' : `webgrad-cpu-${threads}t`,
    label: `webgrad cpu ${threads}t`,
    isWebgrad: true,
    async prepare() {
      const s = await configureCpu({ threads });
      if (s.threads !== threads || s.readyHelpers !== threads - 1) return `${threads} threads unavailable: ${s.reason}`;
      return null;
    },
    build: (c) => c.webgrad(),
    details: () => ({ ...backendInfo() }),
  };
}

let tfPromise: Promise<Tfjs> | null = null;
let wasmThreadsSet: number | null = null;

async function loadTfjs(): Promise<Tfjs> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    return tf as Tfjs;
  })();
  return tfPromise;
}

/** tfjs on its pure-JavaScript CPU backend. */
export function tfjsCpuEngine(): Engine {
  let tf: Tfjs;
  return {
    id: 'tfjs-cpu',
    label: 'tfjs cpu (JS)',
    isWebgrad: false,
    async prepare() {
      tf = await loadTfjs();
      return (await tf.setBackend('cpu')) ? null : 'tfjs could not initialise its cpu backend';
    },
    build: (c) => c.tfjs(tf),
    details: () => ({ backend: tf.getBackend(), version: tf.version.tfjs }),
  };
}

/**
 * tfjs on `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD) with `threads`
 * threads. tfjs fixes its thread count when the backend first initialises,
 * so only the first requested count can be honoured in one process.
 */
export function tfjsWasmEngine(threads: number): Engine {
  let tf: Tfjs;
  let simd = false;
  return {
    id: threads === 1 ? 'tfjs-wasm' : `tfjs-wasm-${threads}t`,
    label: `tfjs wasm SIMD ${threads}t`,
    isWebgrad: false,
    async prepare() {
      tf = await loadTfjs();
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (threads > 1 && !(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) {
        return 'tfjs-backend-wasm has no multithreaded build for this platform (no threads in Node)';
      }
      if (wasmThreadsSet === null) {
        wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
        wasm.setThreadsCount(threads);
        wasmThreadsSet = threads;
      } else if (wasmThreadsSet !== threads) {
        return `tfjs-backend-wasm already initialised with ${wasmThreadsSet} thread(s) in this process`;
      }
      if (!(await tf.setBackend('wasm'))) return 'tfjs could not initialise its wasm backend';
      simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
      if (!simd) return 'tfjs-backend-wasm reports no SIMD support';
      if (wasm.getThreadsCount() !== threads) return `tfjs-backend-wasm runs ${wasm.getThreadsCount()} thread(s), not ${threads}`;
      return null;
    },
    build: (c) => c.tfjs(tf),
    details: () => ({ backend: tf.getBackend(), version: tf.version.tfjs, simd, threads }),
  };
}
