import type { CompiledKernels } from './wasm-module.js';

/** Byte address of the first worker's control slot (inside the page reserved below the arena). */
const CONTROL_BASE = 4096;
/** Int32 words per control slot. */
const SLOT_WORDS = 64;
const SEQ = 0;
const DONE = 1;
const READY = 2;
const ARGS = 4;
/** Most arguments a job passes (sgemmBatched takes 19). */
export const MAX_JOB_ARGS = SLOT_WORDS - ARGS - 1;

/** The kernels a worker can run, by index (the job's first argument word). */
export const WORKER_JOBS = ['sgemmBatched'] as const;

/**
 * The worker's whole program, as text so it needs no file of its own (a
 * bundler or CDN user gets it with the package). It instantiates the shared
 * module over the shared memory, then sleeps on its control slot: each time
 * the main thread bumps SEQ it runs the job described by the argument words
 * and publishes DONE = SEQ.
 */
const WORKER_SOURCE = `
'use strict';
const SEQ = ${SEQ}, DONE = ${DONE}, READY = ${READY}, ARGS = ${ARGS};
const JOBS = ${JSON.stringify(WORKER_JOBS)};
function start(msg) {
  const ex = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
  const ctl = new Int32Array(msg.memory.buffer, msg.slotByte, ${SLOT_WORDS});
  Atomics.store(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, SEQ, seen);
    const s = Atomics.load(ctl, SEQ);
    if (s === seen) continue;
    if (s < 0) return;
    seen = s;
    const n = ctl[ARGS + 1];
    const args = [];
    for (let i = 0; i < n; i++) args.push(ctl[ARGS + 2 + i]);
    ex[JOBS[ctl[ARGS]]](...args);
    Atomics.store(ctl, DONE, s);
    Atomics.notify(ctl, DONE);
  }
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
else self.onmessage = (e) => start(e.data);
`;

interface WorkerHandle {
  terminate(): void;
}

type NodeWorkerThreads = {
  Worker: new (code: string, opts: { eval: boolean }) => WorkerHandle & { postMessage(m: unknown): void; unref(): void };
};

/** Starts one worker running WORKER_SOURCE, or returns why it cannot. */
function spawnWorker(init: { module: WebAssembly.Module; memory: WebAssembly.Memory; slotByte: number }): WorkerHandle | string {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  if (proc?.versions?.node !== undefined) {
    const wt = proc.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
    if (!wt) return 'this Node.js has no process.getBuiltinModule (needs ≥ 20.16) to start worker threads';
    const w = new wt.Worker(WORKER_SOURCE, { eval: true });
    // a sleeping helper must not keep the process alive
    w.unref();
    w.postMessage(init);
    return w;
  }
  const g = globalThis as { Worker?: new (url: string) => WorkerHandle & { postMessage(m: unknown): void }; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || !g.Blob || !g.URL) return 'no Worker in this realm';
  try {
    const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new g.Worker(url);
    w.postMessage(init);
    return w;
  } catch (e) {
    return `could not start a Web Worker: ${(e as Error).message}`;
  }
}

/**
 * Helper threads for the WebAssembly kernels: `threads − 1` workers share
 * the module and the memory with the main thread, which always does its own
 * part of a job too. Workers that have not finished starting are simply not
 * used (a job runs on fewer threads, with the same result).
 */
export class WasmThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly ctl: Int32Array;
  private seq = 0;
  /** Why helpers could not be started, if they could not. */
  readonly failure: string | null = null;

  constructor(
    compiled: CompiledKernels,
    memory: WebAssembly.Memory,
    readonly threads: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, CONTROL_BASE, SLOT_WORDS * Math.max(threads - 1, 1));
    this.ctl.fill(0);
    for (let i = 0; i < threads - 1; i++) {
      const w = spawnWorker({ module: compiled.module, memory, slotByte: CONTROL_BASE + i * SLOT_WORDS * 4 });
      if (typeof w === 'string') {
        this.failure = w;
        break;
      }
      this.workers.push(w);
    }
  }

  /** Helpers that have finished starting and can take work now. */
  readyHelpers(): number {
    let n = 0;
    for (let i = 0; i < this.workers.length; i++) if (Atomics.load(this.ctl, i * SLOT_WORDS + READY) === 1) n++;
    return n;
  }

  /** Resolves once every helper has started (or after `timeoutMs`). */
  async whenReady(timeoutMs = 10_000): Promise<number> {
    const start = Date.now();
    while (this.readyHelpers() < this.workers.length && Date.now() - start < timeoutMs) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.readyHelpers();
  }

  /**
   * Runs job `jobs[h]` on helper h (h < the number of jobs) while the main
   * thread runs `mainPart`, and returns when all are done. Every job is
   * WORKER_JOBS[kind] with integer arguments.
   */
  run(kind: number, jobs: readonly (readonly number[])[], mainPart: () => void): void {
    const seq = ++this.seq;
    for (let h = 0; h < jobs.length; h++) {
      const base = h * SLOT_WORDS;
      const args = jobs[h]!;
      this.ctl[base + ARGS] = kind;
      this.ctl[base + ARGS + 1] = args.length;
      for (let i = 0; i < args.length; i++) this.ctl[base + ARGS + 2 + i] = args[i]!;
      Atomics.store(this.ctl, base + SEQ, seq);
      Atomics.notify(this.ctl, base + SEQ);
    }
    mainPart();
    for (let h = 0; h < jobs.length; h++) waitFor(this.ctl, h * SLOT_WORDS + DONE, seq);
  }

  /** Stops every helper. */
  terminate(): void {
    for (let h = 0; h < this.workers.length; h++) {
      Atomics.store(this.ctl, h * SLOT_WORDS + SEQ, -1);
      Atomics.notify(this.ctl, h * SLOT_WORDS + SEQ);
      this.workers[h]!.terminate();
    }
    this.workers.length = 0;
  }
}

let mainThreadMayWait: boolean | null = null;

/** Blocks until ctl[index] === value: Atomics.wait where allowed (Node, workers), else a spin (a browser's main thread). */
function waitFor(ctl: Int32Array, index: number, value: number): void {
  while (Atomics.load(ctl, index) !== value) {
    if (mainThreadMayWait !== false) {
      try {
        Atomics.wait(ctl, index, Atomics.load(ctl, index), 50);
        mainThreadMayWait = true;
        continue;
      } catch {
        mainThreadMayWait = false;
      }
    }
  }
}
