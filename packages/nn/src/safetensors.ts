import { WebgradError, float32ToFloat16Bits, fromTypedArray, type DType, type Tensor, type TypedArray } from '@webgrad/core-tensor';

/**
 * The safetensors format (https://github.com/huggingface/safetensors), read
 * and written exactly as the reference Rust implementation does:
 *
 * ```
 * [8 bytes: N, little-endian u64][N bytes: JSON header, padded with spaces to a multiple of 8][raw data]
 * header = {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
 * ```
 *
 * Offsets are relative to the start of the data; tensors are laid out
 * contiguously (no gaps, no overlaps) and together cover the whole data
 * buffer; data is row-major, little-endian. The writer orders tensors as the
 * Rust one does (larger dtypes first, then by name), so files are
 * byte-identical to `safetensors.torch.save_file` for the same tensors.
 */

/** The largest header accepted, the Rust implementation's limit (100 MB). */
const MAX_HEADER_SIZE = 100_000_000;

/** A safetensors dtype name this package reads. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype, and the Rust enum order used to sort tensors when writing. */
const DTYPE_INFO: Record<SafetensorsDType, { bytes: number; rank: number }> = {
  BOOL: { bytes: 1, rank: 0 },
  U8: { bytes: 1, rank: 1 },
  I8: { bytes: 1, rank: 2 },
  I16: { bytes: 2, rank: 5 },
  F16: { bytes: 2, rank: 7 },
  BF16: { bytes: 2, rank: 8 },
  I32: { bytes: 4, rank: 9 },
  F32: { bytes: 4, rank: 11 },
  F64: { bytes: 8, rank: 12 },
  I64: { bytes: 8, rank: 13 },
};

const WRITE_DTYPE: Record<DType, SafetensorsDType> = { float16: 'F16', float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** A malformed or hostile safetensors file, or a state dict that cannot be saved. */
export class SafetensorsError extends WebgradError {
  /** Creates the error for `op` (`loadSafetensors`, `saveSafetensors`). */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'SafetensorsError';
  }
}

/** What `loadSafetensors` returns. */
export interface SafetensorsContents {
  /** The tensors by name, in the file's data order. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map, or null when the file has none. */
  metadata: Record<string, string> | null;
}

/** Options of `loadSafetensors`. */
export interface LoadSafetensorsOptions {
  /** Backend to create the tensors on (default: the active one). */
  backend?: string;
}

/** One tensor ready to be written: name, dtype, shape and its elements. */
interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** The elements; float16 as their bit patterns. */
  data: TypedArray | Uint16Array;
}

/**
 * Serialises a state dict (name → tensor) to safetensors bytes, with an
 * optional `__metadata__` string map. float16, float32, float64, int32 and bool
 * tensors are written as F16, F32, F64, I32 and BOOL. Reads the tensors
 * synchronously, so they must be on the CPU; use `saveSafetensorsAsync` for
 * any backend.
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 * const { tensors } = loadSafetensors(bytes);
 * model.loadStateDict(tensors);
 * ```
 */
export function saveSafetensors(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return encode(Object.entries(stateDict).map(([name, t]) => entryOf(name, t, t.dataSync())), metadata);
}

/** `saveSafetensors` for tensors on any backend (reads them back with `await data()`). */
export async function saveSafetensorsAsync(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const entries: Entry[] = [];
  for (const [name, t] of Object.entries(stateDict)) entries.push(entryOf(name, t, await t.data()));
  return encode(entries, metadata);
}

function entryOf(name: string, t: Tensor, data: TypedArray): Entry {
  t.assertAlive('saveSafetensors');
  return { name, dtype: WRITE_DTYPE[t.dtype], shape: t.shape.slice(), data: t.dtype === 'float16' ? Uint16Array.from(data, float32ToFloat16Bits) : data };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encode(entries: Entry[], metadata: Record<string, string> | undefined): Uint8Array {
  const op = 'saveSafetensors';
  const names = new Set<string>();
  for (const e of entries) {
    if (e.name === '__metadata__') throw new SafetensorsError(op, "a tensor cannot be named '__metadata__'");
    if (names.has(e.name)) throw new SafetensorsError(op, `duplicate tensor name '${e.name}'`);
    names.add(e.name);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new SafetensorsError(op, `metadata value of '${k}' must be a string, got ${typeof v}`);
  }
  // the Rust writer's order: larger dtypes first (by its enum order), then by name
  const sorted = entries.slice().sort((a, b) => DTYPE_INFO[b.dtype].rank - DTYPE_INFO[a.dtype].rank || compareUtf8(a.name, b.name));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  for (const e of sorted) {
    const bytes = e.data.length * DTYPE_INFO[e.dtype].bytes;
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const e of sorted) {
    writeLittleEndian(out, pos, e.data);
    pos += e.data.length * DTYPE_INFO[e.dtype].bytes;
  }
  return out;
}

function writeLittleEndian(out: Uint8Array, pos: number, data: TypedArray | Uint16Array): void {
  if (littleEndian || data.BYTES_PER_ELEMENT === 1) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + pos, data.byteLength);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i]!, true);
    else if (data instanceof Float64Array) view.setFloat64(8 * i, data[i]!, true);
    else if (data instanceof Uint16Array) view.setUint16(2 * i, data[i]!, true);
    else view.setInt32(4 * i, data[i]!, true);
  }
}

/** Rust compares names as UTF-8 bytes, which differs from UTF-16 order beyond the BMP. */
function compareUtf8(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses safetensors bytes into tensors and metadata, validating everything
 * before allocating: the header length against the buffer (and a 100 MB
 * cap), UTF-8 and JSON, duplicate names, dtypes, shapes, that each tensor's
 * byte range matches dtype × shape, and that the ranges tile the data
 * exactly. Any violation is a `SafetensorsError` naming the tensor and the
 * numbers involved. F32, F64, I32 and BOOL load as float32, float64, int32
 * and bool; F16 and BF16 convert to float32; I64, I16, I8 and U8 convert to
 * int32 (I64 values outside the int32 range are an error).
 */
export function loadSafetensors(bytes: Uint8Array, options: LoadSafetensorsOptions = {}): SafetensorsContents {
  const op = 'loadSafetensors';
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(op, 'expected a Uint8Array');
  if (bytes.length < 8) throw new SafetensorsError(op, `the file is ${bytes.length} bytes, too small to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_SIZE) throw new SafetensorsError(op, `header length ${n} exceeds the limit of ${MAX_HEADER_SIZE} bytes`);
  if (8 + n > bytes.length) throw new SafetensorsError(op, `header length ${n} runs past the end of the ${bytes.length}-byte file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(op, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsError(op, "the header must be a JSON object starting with '{'");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(op, `the header is not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SafetensorsError(op, 'the header must be a JSON object');
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) throw new SafetensorsError(op, `the header names '${duplicate}' more than once`);
  const { entries, metadata } = readHeader(op, parsed as Record<string, unknown>);
  const dataLength = bytes.length - 8 - n;
  checkLayout(op, entries, dataLength);
  const tensors: Record<string, Tensor> = {};
  const base = 8 + n;
  for (const e of entries) {
    const { values, dtype } = decode(op, e, bytes.subarray(base + e.begin, base + e.end));
    tensors[e.name] = fromTypedArray(values, e.shape, options.backend !== undefined ? { dtype, backend: options.backend } : { dtype });
  }
  return { tensors, metadata };
}

function readHeader(op: string, header: Record<string, unknown>): { entries: HeaderEntry[]; metadata: Record<string, string> | null } {
  let metadata: Record<string, string> | null = null;
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        throw new SafetensorsError(op, '__metadata__ must be an object mapping strings to strings');
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new SafetensorsError(op, `tensor '${name}': expected {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_INFO)) {
      throw new SafetensorsError(op, `tensor '${name}': unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPE_INFO).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(op, `tensor '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw new SafetensorsError(op, `tensor '${name}': data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number });
  }
  return { entries, metadata };
}

/** Each tensor's bytes must be dtype × shape, and the ranges must tile [0, dataLength) exactly. */
function checkLayout(op: string, entries: HeaderEntry[], dataLength: number): void {
  for (const e of entries) {
    let elements = 1;
    for (const d of e.shape) {
      elements *= d;
      if (elements > Number.MAX_SAFE_INTEGER) throw new SafetensorsError(op, `tensor '${e.name}': shape [${e.shape.join(', ')}] has too many elements`);
    }
    const expected = elements * DTYPE_INFO[e.dtype].bytes;
    if (e.end - e.begin !== expected) {
      throw new SafetensorsError(op, `tensor '${e.name}': ${e.dtype} [${e.shape.join(', ')}] needs ${expected} bytes, data_offsets [${e.begin}, ${e.end}] hold ${e.end - e.begin}`);
    }
  }
  const byOffset = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const e of byOffset) {
    if (e.begin !== position) {
      const what = e.begin < position ? 'overlaps the previous tensor' : `leaves a gap after byte ${position}`;
      throw new SafetensorsError(op, `tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] ${what}`);
    }
    position = e.end;
  }
  if (position !== dataLength) {
    throw new SafetensorsError(op, `the tensors cover ${position} bytes of data but the file holds ${dataLength} (truncated, or trailing bytes)`);
  }
}

/** The first key that appears twice in one JSON object of `text` (JSON.parse would silently keep the last). */
function firstDuplicateKey(text: string): string | null {
  const stack: { keys: Set<string>; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: new Set(), expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && top.keys.size > 0) top.expectKey = true;
    }
  }
  return null;
}

function decode(op: string, e: HeaderEntry, raw: Uint8Array): { values: TypedArray; dtype: DType } {
  const count = raw.length / DTYPE_INFO[e.dtype].bytes;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (e.dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return { values: out, dtype: 'float32' };
    }
    case 'F64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return { values: out, dtype: 'float64' };
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return { values: out, dtype: 'float32' };
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return { values: out, dtype: 'float32' };
    }
    case 'I32':
    case 'I16':
    case 'I8':
    case 'U8': {
      const out = new Int32Array(count);
      const read = { I32: (i: number) => view.getInt32(4 * i, true), I16: (i: number) => view.getInt16(2 * i, true), I8: (i: number) => view.getInt8(i), U8: (i: number) => view.getUint8(i) }[e.dtype];
      for (let i = 0; i < count; i++) out[i] = read(i);
      return { values: out, dtype: 'int32' };
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i, true);
        const hi = view.getInt32(8 * i + 4, true);
        const value = hi * 2 ** 32 + lo;
        if (value < -(2 ** 31) || value > 2 ** 31 - 1) {
          throw new SafetensorsError(op, `tensor '${e.name}': I64 value ${BigInt(hi) * 2n ** 32n + BigInt(lo)} at index ${i} does not fit in int32`);
        }
        out[i] = value;
      }
      return { values: out, dtype: 'int32' };
    }
    case 'BOOL': {
      for (let i = 0; i < count; i++) if (raw[i]! > 1) throw new SafetensorsError(op, `tensor '${e.name}': BOOL byte ${raw[i]} at index ${i} is neither 0 nor 1`);
      return { values: Uint8Array.from(raw), dtype: 'bool' };
    }
  }
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
