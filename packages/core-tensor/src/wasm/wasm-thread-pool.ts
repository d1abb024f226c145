import type { CompiledKernels } from './wasm-module.js';

/**
 * Byte address of the control block: in the page reserved below the heap,
 * above the module's data segments (its Math tables start at 1 KiB and are
 * rewritten by every instantiation; `test/wasm/wasm-module.test.ts` checks
 * they end below this).
 */
export const CONTROL_BASE = 61440;
/** Int32 words of the control block. */
export const CONTROL_WORDS = 256;
// word indices in the control block
/** The job sequence number helpers sleep on (−1 stops them). */
const SEQ = 0;
/** Chunks of the current job finished so far. */
const DONE = 1;
/** Words 2–3: a BigInt64 (seq << 32 | next unclaimed chunk); tag 0 while a job is being written. */
const NEXT_BYTE = 8;
const KIND = 4;
const CHUNKS = 5;
const NARGS = 6;
const ARGS = 8;
/** READY flag of helper h is word READY + h. */
const READY = 128;
/** Most arguments a job passes (before the chunk and thread arguments the pool appends). */
export const MAX_JOB_ARGS = READY - ARGS;
/** Most helper threads the control block has READY words for. */
const MAX_HELPERS = CONTROL_WORDS - READY;

/** The kernels a worker can run, by index. Each takes the job's arguments, then the chunk index and the thread index. */
export const WORKER_JOBS = ['sgemmChunk'] as const;

/**
 * Claims chunks of job `seq` until none is left, running `run(chunk)` on
 * each, and counts them in DONE. A claim is a compare-exchange on the NEXT
 * word, which carries the job's sequence number: a thread that wakes late,
 * after its job was finished and the next one published, finds another tag
 * and claims nothing. Shared by the main thread and (as source text) the
 * helpers, so both sides claim the same way (it refers to nothing outside
 * itself, as its text is copied into the worker).
 */
function claimChunks(ctl: Int32Array, done: number, next: BigInt64Array, seq: number, chunks: number, run: (chunk: number) => void): number {
  const tag = BigInt(seq);
  let ran = 0;
  for (;;) {
    const w = Atomics.load(next, 0);
    if (w >> 32n !== tag) return ran;
    const chunk = Number(w & 0xffffffffn);
    if (chunk >= chunks) return ran;
    if (Atomics.compareExchange(next, 0, w, w + 1n) !== w) continue;
    run(chunk);
    ran++;
    if (Atomics.add(ctl, done, 1) + 1 === chunks) Atomics.notify(ctl, done);
  }
}

/**
 * The worker's whole program, as text so it needs no file of its own (a
 * bundler or CDN user gets it with the package). It instantiates the shared
 * module over the shared memory, then sleeps on SEQ: each time the main
 * thread publishes a job it reads the job's arguments and claims chunks
 * alongside the main thread until none is left.
 */
const WORKER_SOURCE = `
'use strict';
const SEQ = ${SEQ}, DONE = ${DONE}, KIND = ${KIND}, CHUNKS = ${CHUNKS}, NARGS = ${NARGS}, ARGS = ${ARGS}, READY = ${READY};
const JOBS = ${JSON.stringify(WORKER_JOBS)};
const claimChunks = ${claimChunks.toString()};
function start(msg) {
  const ex = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
  const ctl = new Int32Array(msg.memory.buffer, ${CONTROL_BASE}, ${CONTROL_WORDS});
  const next = new BigInt64Array(msg.memory.buffer, ${CONTROL_BASE + NEXT_BYTE}, 1);
  Atomics.store(ctl, READY + msg.helper, 1);
  Atomics.notify(ctl, READY + msg.helper);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, SEQ, seen);
    const s = Atomics.load(ctl, SEQ);
    if (s === seen) continue;
    if (s < 0) return;
    seen = s;
    const fn = ex[JOBS[Atomics.load(ctl, KIND)]];
    const chunks = Atomics.load(ctl, CHUNKS);
    const n = Atomics.load(ctl, NARGS);
    const args = [];
    for (let i = 0; i < n; i++) args.push(Atomics.load(ctl, ARGS + i));
    args.push(0, msg.helper + 1);
    claimChunks(ctl, DONE, next, s, chunks, (chunk) => {
      args[n] = chunk;
      fn(...args);
    });
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

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  helper: number;
}

/** Starts one worker running WORKER_SOURCE, or returns why it cannot. */
function spawnWorker(init: WorkerInit): WorkerHandle | string {
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
 * the module and the memory with the main thread. A job is cut into chunks
 * that every thread, the main one included, claims one at a time until none
 * is left, so a helper that is slow to wake (or descheduled on a busy
 * machine) only does less of the work: the main thread never waits for a
 * helper that has not started a chunk, only for chunks in progress.
 */
export class WasmThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly ctl: Int32Array;
  private readonly next: BigInt64Array;
  private seq = 0;
  /** Why helpers could not be started, if they could not. */
  readonly failure: string | null = null;

  constructor(
    compiled: CompiledKernels,
    memory: WebAssembly.Memory,
    readonly threads: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, CONTROL_BASE, CONTROL_WORDS);
    this.next = new BigInt64Array(memory.buffer, CONTROL_BASE + NEXT_BYTE, 1);
    this.ctl.fill(0);
    const helpers = Math.min(threads - 1, MAX_HELPERS);
    for (let h = 0; h < helpers; h++) {
      const w = spawnWorker({ module: compiled.module, memory, helper: h });
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
    for (let h = 0; h < this.workers.length; h++) if (Atomics.load(this.ctl, READY + h) === 1) n++;
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
   * Runs `chunks` chunks of WORKER_JOBS[kind] with integer arguments `args`
   * (the kernel also receives the chunk index and the thread index, 0 for
   * the main thread, 1… for helpers) on the main thread and on every helper
   * that wakes in time, and returns when all chunks are done. `main` runs a
   * chunk on the main thread. Returns how many chunks the main thread ran.
   */
  runChunks(kind: number, args: readonly number[], chunks: number, main: (chunk: number) => void): number {
    if (args.length > MAX_JOB_ARGS) throw new RangeError(`webgrad wasm: a pool job takes at most ${MAX_JOB_ARGS} arguments, got ${args.length}`);
    const ctl = this.ctl;
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    const seq = this.seq;
    // close the previous job's claims before its arguments are overwritten
    Atomics.store(this.next, 0, 0n);
    Atomics.store(ctl, KIND, kind);
    Atomics.store(ctl, CHUNKS, chunks);
    Atomics.store(ctl, NARGS, args.length);
    for (let i = 0; i < args.length; i++) Atomics.store(ctl, ARGS + i, args[i]!);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(this.next, 0, BigInt(seq) << 32n);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    const ran = claimChunks(ctl, DONE, this.next, seq, chunks, main);
    waitUntilAtLeast(ctl, DONE, chunks);
    return ran;
  }

  /** Chunks of the current (or last) job finished so far, by any thread. */
  chunksDone(): number {
    return Atomics.load(this.ctl, DONE);
  }

  /** Stops every helper. */
  terminate(): void {
    Atomics.store(this.ctl, SEQ, -1);
    Atomics.notify(this.ctl, SEQ);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

let mainThreadMayWait: boolean | null = null;

/** Blocks until ctl[index] ≥ value: Atomics.wait where allowed (Node, workers), else a spin (a browser's main thread). */
function waitUntilAtLeast(ctl: Int32Array, index: number, value: number): void {
  for (;;) {
    const now = Atomics.load(ctl, index);
    if (now >= value) return;
    if (mainThreadMayWait !== false) {
      try {
        Atomics.wait(ctl, index, now, 50);
        mainThreadMayWait = true;
      } catch {
        mainThreadMayWait = false;
      }
    }
  }
}
