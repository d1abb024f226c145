import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arange, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  Conv2d,
  ConvTranspose2d,
  Embedding,
  Flatten,
  GELU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  ReLU,
  Sequential,
  SiLU,
  Tanh,
  loadSafetensors,
  loadSafetensorsFile,
  saveSafetensors,
  saveSafetensorsFile,
  type Module,
} from '@webgrad/nn';
import { expectMatches, readFixture } from './pytorch-fixture.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface ModelFixture {
  name: string;
  file: string;
  input: { shape: number[]; data: number[]; dtype: 'float32' | 'int32' };
  output: { shape: number[]; data: number[] };
}
const fixture = readFixture<{ models: ModelFixture[]; dtypes: Record<string, { shape: number[]; data: number[] }> }>('safetensors');

/** The webgrad twins of the PyTorch models in gen_safetensors.py. */
const twins: Record<string, () => Module<[Tensor], Tensor>> = {
  linear: () => new Linear(4, 3),
  conv: () => new Sequential(new Conv2d(2, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 5)),
  embedding: () => new Embedding(7, 3, { paddingIdx: 0 }),
  mlp: () => new Sequential(new Linear(3, 8), new Tanh(), new Linear(8, 8), new GELU(), new Linear(8, 2)),
  upconv: () => new Sequential(new ConvTranspose2d(2, 3, 4, { stride: 2, padding: 1 }), new SiLU(), new Conv2d(3, 2, 3)),
};

/** Header length, JSON header and data section of a safetensors buffer. */
function parts(bytes: Uint8Array): { n: number; header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

/** A file from a header object and data bytes (hostile inputs are built with this). */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('PyTorch state dicts saved as safetensors load into the webgrad twin and give the same outputs', () => {
  it.each(fixture.models.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const { tensors, metadata } = await loadSafetensorsFile(join(fixtures, m.file));
    expect(metadata).toEqual({ format: 'pt' });
    const model = twins[m.name]!();
    expect(model.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const y = model.eval().forward(tensor(m.input.data, { shape: m.input.shape, dtype: m.input.dtype }));
    expectMatches(y, { ...m.output, dtype: 'float32' }, `${m.name} output`);
    // and back: webgrad writes the very bytes PyTorch's writer (the fixture script's, Rust-compatible) wrote
    expect(saveSafetensors(model.stateDict(), { format: 'pt' })).toEqual(new Uint8Array(readFileSync(join(fixtures, m.file))));
  });
});

describe('safetensors format', () => {
  it('writes the 8-byte LE header length, a space-padded JSON header and contiguous LE data', () => {
    const bytes = saveSafetensors({ b: tensor([1, 2, 3]), a: tensor([[1, 0]], { dtype: 'int32' }), d: tensor(2.5, { dtype: 'float64' }), m: tensor([true, false]) }, { step: '7' });
    const { n, header, data } = parts(bytes);
    expect(n % 8).toBe(0);
    const raw = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(raw.trimEnd()).toBe(
      '{"__metadata__":{"step":"7"},"d":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},' +
        '"a":{"dtype":"I32","shape":[1,2],"data_offsets":[20,28]},"m":{"dtype":"BOOL","shape":[2],"data_offsets":[28,30]}}',
    );
    expect(raw.length - raw.trimEnd().length).toBeLessThan(8);
    expect(Object.keys(header)).toEqual(['__metadata__', 'd', 'b', 'a', 'm']);
    expect(data.length).toBe(30);
    const view = new DataView(data.buffer, data.byteOffset);
    expect(view.getFloat64(0, true)).toBe(2.5);
    expect(view.getFloat32(12, true)).toBe(2);
    expect(view.getInt32(20, true)).toBe(1);
    expect(Array.from(data.subarray(28))).toEqual([1, 0]);
  });
  it('round-trips every dtype webgrad has, with metadata, and none without', () => {
    const sd = { w: tensor([[0.1, -2], [3e-8, 4]]), i: tensor([-5, 2 ** 31 - 1], { dtype: 'int32' }), x: tensor([Math.PI], { dtype: 'float64' }), m: tensor([false, true]) };
    const back = loadSafetensors(saveSafetensors(sd, { a: 'b' }));
    expect(back.metadata).toEqual({ a: 'b' });
    for (const [k, t] of Object.entries(sd)) {
      expect(back.tensors[k]!.dtype).toBe(t.dtype);
      expect(back.tensors[k]!.shape).toEqual(t.shape);
      expect(Array.from(back.tensors[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(loadSafetensors(saveSafetensors({})).metadata).toBeNull();
    expect(saveSafetensors({}).length).toBe(16); // "{}" padded to 8 bytes
  });
  it('reads F16, BF16, I64, I16, I8, U8, BOOL, F64, I32, empty and scalar tensors written by PyTorch', async () => {
    const { tensors, metadata } = await loadSafetensorsFile(join(fixtures, 'dtypes.safetensors'));
    expect(metadata).toEqual({ note: 'dtype conversions' });
    const dtypes: Record<string, string> = { f16: 'float32', bf16: 'float32', i64: 'int32', i16: 'int32', i8: 'int32', u8: 'int32', mask: 'bool', f64: 'float64', i32: 'int32', empty: 'float32', scalar: 'float32' };
    for (const [k, want] of Object.entries(fixture.dtypes)) {
      const t = tensors[k]!;
      expect(t.dtype, k).toBe(dtypes[k]);
      expect(t.shape, k).toEqual(want.shape);
      expect(Array.from(t.dataSync(), Number), k).toEqual(want.data);
    }
  });
  it('writes files atomically (temp file, fsync, rename) and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgrad-st-'));
    try {
      const path = join(dir, 'model.safetensors');
      writeFileSync(path, 'old contents');
      const net = new Linear(3, 2);
      await saveSafetensorsFile(path, net.stateDict(), { epoch: '1' });
      expect(readdirSync(dir)).toEqual(['model.safetensors']);
      const { tensors } = await loadSafetensorsFile(path);
      const copy = new Linear(3, 2);
      copy.loadStateDict(tensors);
      expect(Array.from(copy.weight.dataSync())).toEqual(Array.from(net.weight.dataSync()));
      await expect(saveSafetensorsFile(join(dir, 'missing-dir', 'x.safetensors'), net.stateDict())).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile or malformed files are clear errors, never a crash or a huge allocation', () => {
  const f32 = (k: string, shape: number[], offsets: [number, number]) => ({ [k]: { dtype: 'F32', shape, data_offsets: offsets } });
  const cases: [string, Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', new Uint8Array(5), /5 bytes, too small to hold the 8-byte header length/],
    ['a huge header length', build({}, new Uint8Array(0), 2 ** 52), /header length 4503599627370496 exceeds the limit of 100000000 bytes/],
    ['a header length past the end', build({}, new Uint8Array(0), 1000), /header length 1000 runs past the end of the 10-byte file/],
    ['invalid JSON', build('{"a": [1,'), /the header is not valid JSON/],
    ['a header that is not an object', build('[1, 2]'), /must be a JSON object starting with '\{'/],
    ['invalid UTF-8', (() => { const b = build('{"\u00e9":1}'); b[10] = 0xff; return b; })(), /not valid UTF-8/],
    ['offsets out of range', build(f32('w', [2], [0, 8]), new Uint8Array(4)), /cover 8 bytes of data but the file holds 4/],
    ['overlapping tensors', build({ ...f32('a', [2], [0, 8]), ...f32('b', [2], [4, 12]) }, new Uint8Array(12)), /tensor 'b': data_offsets \[4, 12\] overlaps the previous tensor/],
    ['a gap between tensors', build({ ...f32('a', [1], [0, 4]), ...f32('b', [1], [8, 12]) }, new Uint8Array(12)), /tensor 'b': data_offsets \[8, 12\] leaves a gap after byte 4/],
    ['trailing bytes not covered', build(f32('a', [1], [0, 4]), new Uint8Array(9)), /cover 4 bytes of data but the file holds 9/],
    ['wrong byte count for dtype × shape', build(f32('a', [3], [0, 8]), new Uint8Array(8)), /tensor 'a': F32 \[3\] needs 12 bytes, data_offsets \[0, 8\] hold 8/],
    ['an unknown dtype', build({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor 'a': unsupported dtype "F8_E4M3"/],
    ['a negative shape', build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), /shape must be a list of non-negative integers, got \[-1\]/],
    ['reversed offsets', build({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }), /data_offsets must be \[begin, end\] with 0 <= begin <= end/],
    ['a shape with astronomically many elements', build({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, new Uint8Array(4)), /has too many elements/],
    ['duplicate names', build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)), /the header names 'a' more than once/],
    ['metadata that is not a string map', build({ __metadata__: { a: 1 } }), /__metadata__ must be an object mapping strings to strings/],
    ['an I64 value outside int32', build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0])), /I64 value 4294967296 at index 0 does not fit in int32/],
    ['a BOOL byte that is not 0 or 1', build({ a: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 7])), /BOOL byte 7 at index 1 is neither 0 nor 1/],
  ];
  it.each(cases)('%s', (_what, bytes, message) => {
    expect(() => loadSafetensors(bytes)).toThrow(message);
    try {
      loadSafetensors(bytes);
    } catch (e) {
      expect((e as Error).name).toBe('SafetensorsError');
      expect((e as Error).message.startsWith('loadSafetensors: ')).toBe(true);
    }
  });
  it('a state dict with missing or unexpected keys is refused by loadStateDict, naming them', () => {
    const { tensors } = loadSafetensors(saveSafetensors({ weight: tensor([[1, 2, 3]]), extra: tensor([1]) }));
    expect(() => new Linear(3, 1).loadStateDict(tensors)).toThrow(/missing keys \[bias\], unexpected keys \[extra\]/);
  });
  it('refuses to save a tensor named __metadata__', () => {
    expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrow(/saveSafetensors: a tensor cannot be named '__metadata__'/);
  });
});

/**
 * The file PyTorch reads back: a webgrad model with deterministic weights,
 * its input and output in the metadata. gen_safetensors.py loads it into the
 * PyTorch twin (strict) and asserts the same output and the same bytes.
 * WEBGRAD_UPDATE_FIXTURES=1 rewrites it; otherwise this test checks that the
 * committed file still loads into the webgrad model, reproduces the stored
 * output and re-encodes to identical bytes.
 */
describe('a file written by webgrad for PyTorch', () => {
  const path = join(fixtures, 'webgrad_written.safetensors');
  const model = () => new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(8, 3), new LogSoftmax(1));
  it('webgrad_written.safetensors holds a model PyTorch reproduces (see gen_safetensors.py)', () => {
    if (process.env.WEBGRAD_UPDATE_FIXTURES === '1' || !existsSync(path)) {
      const net = model();
      for (const [i, p] of net.parameters().entries()) p.assign_(arange(p.size, undefined, 1, { dtype: 'float32' }).mul(0.37 + i).sin().mul(0.5).reshape(p.shape));
      const x = arange(2 * 16, undefined, 1, { dtype: 'float32' }).mul(0.7).cos().reshape([2, 1, 4, 4]);
      const y = net.forward(x);
      writeFileSync(path, saveSafetensors(net.stateDict(), { input: JSON.stringify(x.arraySync()), output: JSON.stringify(y.arraySync()), writer: 'webgrad' }));
    }
    const { tensors, metadata } = loadSafetensors(new Uint8Array(readFileSync(path)));
    expect(metadata!.writer).toBe('webgrad');
    const net = model();
    net.loadStateDict(tensors);
    const x = tensor(JSON.parse(metadata!.input!));
    const want = tensor(JSON.parse(metadata!.output!));
    expectMatches(net.forward(x), { dtype: 'float32', shape: want.shape.slice(), data: Array.from(want.dataSync()) }, 'output');
    expect(saveSafetensors(net.stateDict(), metadata!)).toEqual(new Uint8Array(readFileSync(path)));
  });
});
