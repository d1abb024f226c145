import { ArgumentError, DTypeError, fmtShape, fromTypedArray, narrow, reshape, ShapeError, transpose, type Tensor } from '@webgrad/core-tensor';

/**
 * Which steps of a padded batch are real: either the length of each sequence
 * (PyTorch's `pack_padded_sequence` lengths; steps at or past a sequence's
 * length are padding) or a boolean mask of the input's [T, B] layout ([B, T]
 * when `batchFirst`), true at real steps.
 */
export interface SequenceOptions {
  /** Length of each sequence in the batch, 1 ≤ length ≤ T (numbers, an Int32Array or an int32 tensor). */
  lengths?: readonly number[] | Int32Array | Tensor;
  /** Boolean mask, true at real steps; a masked step leaves the state unchanged and outputs zeros. */
  mask?: Tensor;
}

/** The per-step view of a `SequenceOptions`: for each step, the mask [1, B, 1] of real rows. */
export interface StepMasks {
  /** Per step: a bool mask [1, B, 1], or null when every row of the step is real. */
  readonly masks: readonly (Tensor | null)[];
  /** Per step: true when no row of the step is real (the step can be skipped). */
  readonly empty: readonly boolean[];
}

/**
 * Turns lengths or a mask into per-step masks for a [T, B] batch; null when
 * every step of every sequence is real.
 */
export function stepMasks(op: string, seq: SequenceOptions | undefined, T: number, B: number, batchFirst: boolean, backend: string): StepMasks | null {
  if (!seq || (seq.lengths === undefined && seq.mask === undefined)) return null;
  if (seq.lengths !== undefined && seq.mask !== undefined) throw new ArgumentError(op, 'pass lengths or mask, not both');
  let valid: Uint8Array;
  if (seq.lengths !== undefined) {
    valid = maskFromLengths(op, seq.lengths, T, B);
  } else {
    const m = seq.mask!;
    const want = batchFirst ? [B, T] : [T, B];
    if (m.rank !== 2 || m.shape[0] !== want[0] || m.shape[1] !== want[1]) {
      throw new ShapeError(op, `mask must be ${fmtShape(want)} (${batchFirst ? 'batch, time' : 'time, batch'}), got ${fmtShape(m.shape)}`);
    }
    if (m.dtype !== 'bool') throw new DTypeError(op, `mask must be bool, got ${m.dtype}`);
    if (m.backend.name !== 'cpu') return deviceMasks(batchFirst ? transpose(m, 0, 1) : m, T, B);
    const host = m.dataSync();
    valid = new Uint8Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) valid[t * B + b] = host[batchFirst ? b * T + t : t * B + b] ? 1 : 0;
  }
  const masks: (Tensor | null)[] = [];
  const empty: boolean[] = [];
  let allReal = true;
  for (let t = 0; t < T; t++) {
    const row = valid.subarray(t * B, (t + 1) * B);
    const full = row.every((v) => v === 1);
    allReal &&= full;
    masks.push(full ? null : fromTypedArray(row.slice(), [1, B, 1], { dtype: 'bool', backend }));
    empty.push(row.every((v) => v === 0));
  }
  return allReal ? null : { masks, empty };
}

/** Sequence lengths as host numbers (like PyTorch, lengths live on the host: they decide how many steps run). */
export function hostLengths(op: string, lengths: readonly number[] | Int32Array | Tensor): ArrayLike<number> {
  return isTensor(lengths) ? readLengths(op, lengths) : lengths;
}

function maskFromLengths(op: string, lengths: readonly number[] | Int32Array | Tensor, T: number, B: number): Uint8Array {
  const ls = hostLengths(op, lengths);
  if (ls.length !== B) throw new ShapeError(op, `lengths has ${ls.length} entries for a batch of ${B}`);
  const valid = new Uint8Array(T * B);
  for (let b = 0; b < B; b++) {
    const n = ls[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) throw new ArgumentError(op, `lengths[${b}] = ${n} must be an integer in [1, ${T}] (the padded length)`);
    for (let t = 0; t < n; t++) valid[t * B + b] = 1;
  }
  return valid;
}

function readLengths(op: string, t: Tensor): ArrayLike<number> {
  if (t.rank !== 1 || t.dtype !== 'int32') throw new ArgumentError(op, `lengths must be a 1-D int32 tensor, got ${t.dtype} ${fmtShape(t.shape)}`);
  return t.backend.name === 'cpu' ? t.dataSync() : t.to('cpu').dataSync();
}

function deviceMasks(m: Tensor, T: number, B: number): StepMasks {
  const masks = Array.from({ length: T }, (_, t) => reshape(narrow(m, 0, t, 1), [1, B, 1]));
  return { masks, empty: masks.map(() => false) };
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { __webgradTensor?: boolean }).__webgradTensor === true;
}
