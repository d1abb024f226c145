import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/** `sgemm`'s arguments (see assembly/gemm.ts): sizes, operands with element strides, output, row range, scratch. */
export type SgemmArgs = [
  M: number, N: number, K: number,
  a: number, rsA: number, csA: number,
  b: number, rsB: number, csB: number,
  c: number, ldc: number,
  rowStart: number, rowEnd: number,
  scratch: number,
];

/** The functions the kernels module exports (see src/wasm/assembly). */
export interface KernelExports {
  /** Single-precision GEMM over a row range (see assembly/gemm.ts). */
  sgemm(...args: SgemmArgs): void;
  /** `sgemm` over a batch with element strides per matrix (0 broadcasts). */
  sgemmBatched(batch: number, strideA: number, strideB: number, strideC: number, ...args: SgemmArgs): void;
  /** out[i] = op(x[i·xs], y[i·ys]) for float32 (op: index in BINARY_F32_OPS). */
  binaryF32(op: number, x: number, y: number, out: number, n: number, xs: number, ys: number): void;
  /** out[i] = op(x[i]) for float32 (op: index in UNARY_F32_OPS). */
  unaryF32(op: number, x: number, out: number, n: number): void;
  /** out[b][j][i] = x[b][i][j] for `batch` float32 matrices of rows×cols. */
  transposeF32(x: number, out: number, batch: number, rows: number, cols: number): void;
  /** out[o][i] = Σ_r x[o][r][i] over [outer, red, inner] float32, accumulated in f64. */
  sumMiddleF32(x: number, out: number, outer: number, red: number, inner: number): void;
  /** One fused LSTM step over rows×H float32 units (see assembly/lstm-cell.ts). */
  lstmCellF32(gi: number, gh: number, c: number, h: number, cn: number, rows: number, H: number): void;
  /** The fused LSTM step's gradient (see assembly/lstm-cell.ts). */
  lstmCellBackwardF32(dh: number, dcn: number, gi: number, gh: number, c: number, da: number, dc: number, rows: number, H: number): void;
  /** One fused GRU step over rows×H float32 units (see assembly/gru-cell.ts). */
  gruCellF32(gi: number, gh: number, h: number, bias: number, out: number, rows: number, H: number): void;
  /** The fused GRU step's gradient (see assembly/gru-cell.ts). */
  gruCellBackwardF32(dhn: number, gi: number, gh: number, h: number, bias: number, dgi: number, dgh: number, dh: number, rows: number, H: number): void;
  /** out[i] = op(x[i]) for float32 in double precision (op: index in UNARY_MATH_F32_OPS; `a` the op's attribute, gelu's form). */
  unaryMathF32(op: number, x: number, out: number, n: number, a: number): void;
  /** out[r] = Σ_k x[r][k] over `rows` float32 rows of n, accumulated in f64 in order. */
  sumRowsF32(x: number, out: number, rows: number, n: number): void;
  /** out[r] = the max (largest 1) or min (0) of each float32 row of n ≥ 1. */
  extremeRowsF32(x: number, out: number, rows: number, n: number, largest: number): void;
  /** out[r] (int32) = the index of the first max (largest 1) or min (0), or first NaN, of each float32 row of n ≥ 1. */
  argExtremeRowsF32(x: number, out: number, rows: number, n: number, largest: number): void;
  /** im2col of float32 [N, C, H, W] into [N, C·kh·kw, oh·ow] (see assembly/im2col.ts). */
  unfoldF32(x: number, out: number, ...geometry: [...Im2colGeometry, pad: number]): void;
  /** col2im, the adjoint of `unfoldF32`, adding into a zeroed image. */
  foldF32(cols: number, out: number, ...geometry: Im2colGeometry): void;
  /** softmax (logOutput 0) or log-softmax (1) of `rows` contiguous float32 rows of n. */
  softmaxRowsF32(x: number, out: number, rows: number, n: number, logOutput: number): void;
  /** The fused layer norm over float32 rows of n (see assembly/layer-norm.ts). */
  layerNormF32(x: number, w: number, b: number, y: number, rows: number, n: number, eps: number): void;
  /** Its gradient; `acc` is scratch for 2n doubles. */
  layerNormBackwardF32(dy: number, x: number, w: number, dx: number, dw: number, db: number, acc: number, rows: number, n: number, eps: number): void;
  /** The fused Adam/AdamW update over n float32 (see assembly/optimizer-update.ts); vm and vmo 0 without AMSGrad. */
  adamUpdateF32(
    p: number, g: number, m: number, v: number, vm: number,
    po: number, mo: number, vo: number, vmo: number, n: number,
    maximize: number, decoupled: number,
    b1: number, b2: number, omb1: number, omb2: number, l2: number, shrink: number, eps: number, bc2Sqrt: number, stepSize: number,
  ): void;
  /** The fused SGD update over n float32; b 0 without a buffer yet, bo 0 without momentum. */
  sgdUpdateF32(p: number, g: number, b: number, po: number, bo: number, n: number, maximize: number, nesterov: number, lr: number, momentum: number, damp: number, wd: number): void;
  /** Floats of scratch one `sgemm` call needs. */
  sgemmScratchFloats(N: number, K: number): number;
  /** Packs all of op(B) (every K slab) for `sgemmChunk`. */
  packBFull(N: number, K: number, b: number, rsB: number, csB: number, out: number): void;
  /** Floats `packBFull` writes. */
  packedBFloats(N: number, K: number): number;
  /** Floats of per-thread scratch `sgemmChunk` needs. */
  chunkScratchFloats(K: number): number;
  /** One row chunk of a threaded batched product over B packed by `packBFull` (see assembly/gemm.ts). */
  sgemmChunk(
    strideA: number, strideBp: number, strideC: number,
    M: number, N: number, K: number,
    a: number, rsA: number, csA: number,
    bp: number, c: number, ldc: number,
    rowsPerChunk: number, chunksPerMatrix: number,
    scratch: number, scratchStride: number,
    chunk: number, thread: number,
  ): void;
}

/** N, C, H, W, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow of an im2col kernel call. */
export type Im2colGeometry = [
  N: number, C: number, H: number, W: number,
  kh: number, kw: number, dh: number, dw: number, ph: number, pw: number, sh: number, sw: number, oh: number, ow: number,
];

/** A compiled kernels module and whether its memory import is shared. */
export interface CompiledKernels {
  /** The module, compiled once and shared with worker threads. */
  readonly module: WebAssembly.Module;
  /** Whether it imports shared memory (threads possible). */
  readonly shared: boolean;
}

/** Pages the kernels module's memory starts with (its declared minimum). */
export const INITIAL_PAGES = 2;
/** The declared maximum (4 GiB): a shared memory must state one. */
export const MAXIMUM_PAGES = 65536;

/** The module bytes, decoded from the embedded base64 (atob exists in browsers and Node ≥ 16). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  const s = atob(KERNELS_WASM_BASE64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Whether this realm can share wasm memory with workers (SharedArrayBuffer present and, in pages, cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/**
 * Compiles the kernels synchronously (the module is a few KiB, well under
 * the size browsers allow to compile on the main thread), or returns why it
 * cannot: no WebAssembly, or no 128-bit SIMD (validation fails).
 */
export function compileKernels(shared: boolean): CompiledKernels | string {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') return 'WebAssembly is not available';
  let bytes = kernelBytes();
  if (!shared) bytes = withUnsharedMemoryImport(bytes);
  if (!WebAssembly.validate(bytes)) return 'WebAssembly SIMD is not supported here';
  return { module: new WebAssembly.Module(bytes), shared };
}

/** Instantiates `compiled` over `memory` (the same module and memory serve the main thread and every worker). */
export function instantiateKernels(compiled: CompiledKernels, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(compiled.module, { env: { memory } }).exports as unknown as KernelExports;
}

/** A new memory of the kind the module imports. */
export function createKernelMemory(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
}

function readLeb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

/**
 * A copy of `bytes` whose memory import is not shared: the limits flag of
 * the memory import (0x03, maximum + shared) becomes 0x01 (maximum). Same
 * length, so nothing else moves. Used where SharedArrayBuffer is missing.
 */
export function withUnsharedMemoryImport(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let pos = 8; // magic + version
  while (pos < out.length) {
    const id = out[pos++]!;
    const [size, start] = readLeb(out, pos);
    if (id === 2) {
      let [count, p] = readLeb(out, start);
      while (count-- > 0) {
        let len: number;
        [len, p] = readLeb(out, p);
        p += len; // module name
        [len, p] = readLeb(out, p);
        p += len; // field name
        const kind = out[p++]!;
        if (kind === 0x02) {
          if (out[p] === 0x03) out[p] = 0x01;
          return out;
        }
        if (kind === 0x00) [, p] = readLeb(out, p); // function: type index
        else if (kind === 0x01) { p++; const flags = out[p++]!; [, p] = readLeb(out, p); if (flags & 1) [, p] = readLeb(out, p); } // table
        else if (kind === 0x03) p += 2; // global: type + mutability
        else break;
      }
      return out;
    }
    pos = start + size;
  }
  return out;
}

/**
 * The first byte past the module's active data segments (the constant
 * tables AssemblyScript's Math places in low memory, rewritten by every
 * instantiation): the thread pool's control block must start at or above it.
 */
export function dataSegmentsEnd(bytes: Uint8Array): number {
  let pos = 8;
  let end = 0;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, start] = readLeb(bytes, pos);
    if (id === 11) {
      let [count, p] = readLeb(bytes, start);
      while (count-- > 0) {
        let flags: number;
        [flags, p] = readLeb(bytes, p);
        if (flags === 2) [, p] = readLeb(bytes, p); // memory index
        let offset = 0;
        if (flags !== 1) {
          if (bytes[p++] !== 0x41) throw new Error('webgrad wasm: a data segment offset that is not i32.const');
          [offset, p] = readLeb(bytes, p); // non-negative here (a signed LEB below 2^20)
          p++; // end
        }
        let len: number;
        [len, p] = readLeb(bytes, p);
        if (flags !== 1) end = Math.max(end, offset + len);
        p += len;
      }
    }
    pos = start + size;
  }
  return end;
}
