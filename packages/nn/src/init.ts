import { noGrad } from '@webgrad/autograd';
import {
  ArgumentError,
  ShapeError,
  WebgradError,
  eye,
  fmtShape,
  fromTypedArray,
  full,
  isFloatDType,
  normal,
  randn,
  uniform,
  type Tensor,
} from '@webgrad/core-tensor';

/**
 * PyTorch's `torch.nn.init`: each initialiser fills a tensor (usually a
 * `Parameter`) in place through `assign_`, drawing from the default Philox
 * generator (`manualSeed`), and returns it. Names keep PyTorch's trailing
 * underscore for "in place" (`xavierUniform_` is `xavier_uniform_`), which
 * also keeps them apart from core-tensor's `uniform`, `normal`, `zeros`, ….
 * Variance derivations are in docs/nn.md.
 */

/** A nonlinearity `calculateGain` knows, by PyTorch's name or its camelCase form. */
export type Nonlinearity =
  | 'linear'
  | 'identity'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

/** Which fan Kaiming initialisation preserves: the forward pass's (`fanIn`) or the backward pass's (`fanOut`). */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of `kaimingUniform_` / `kaimingNormal_` (PyTorch's defaults). */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (default 0; only used with `leaky_relu`). */
  a?: number;
  /** `'fanIn'` (default) or `'fanOut'`. */
  mode?: FanMode;
  /** The nonlinearity that follows (default `'leaky_relu'`, as PyTorch). */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity, PyTorch's `calculate_gain`: 1 for
 * linear/convolution/sigmoid, 5/3 for tanh, √2 for relu, √(2/(1 + a²)) for
 * leaky_relu with negative slope a (default 0.01), 3/4 for selu.
 *
 * @example
 * ```ts
 * calculateGain('relu'); // Math.SQRT2
 * calculateGain('leaky_relu', 0.2); // √(2/1.04)
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new ArgumentError('calculateGain', `negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError('calculateGain', `unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * Fan-in and fan-out of a weight, PyTorch's `_calculate_fan_in_and_fan_out`:
 * for a weight [out, in, k₁, k₂, …] the receptive field is r = Πkᵢ, fanIn = in·r and
 * fanOut = out·r (a Linear weight [out, in] has r = 1). Needs rank ≥ 2.
 */
export function calculateFanInAndFanOut(t: Tensor | readonly number[]): { fanIn: number; fanOut: number } {
  const shape = Array.isArray(t) ? (t as readonly number[]) : (t as Tensor).shape;
  if (shape.length < 2) {
    throw new ShapeError('calculateFanInAndFanOut', `fan in and fan out need a tensor of rank >= 2, got shape ${fmtShape(shape)}`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Replaces `t`'s contents with `value` (same shape, cast to t's dtype), outside autograd. */
function fill(op: string, t: Tensor, make: () => Tensor): Tensor {
  t.assertAlive(op);
  if (!isFloatDType(t.dtype)) throw new WebgradError(op, `can only initialise floating-point tensors, got ${t.dtype}`);
  noGrad(() => t.assign_(make()));
  return t;
}

function like(t: Tensor): { dtype: Tensor['dtype']; backend: string } {
  return { dtype: t.dtype, backend: t.backend.name };
}

/** Fills `t` with U(a, b) samples (default U(0, 1)), PyTorch's `uniform_`. */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return fill('uniform_', t, () => uniform(t.shape, a, b, like(t)));
}

/** Fills `t` with N(mean, std²) samples (default N(0, 1)), PyTorch's `normal_`. */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return fill('normal_', t, () => normal(t.shape, mean, std, like(t)));
}

/** Fills `t` with `value`, PyTorch's `constant_`. */
export function constant_(t: Tensor, value: number): Tensor {
  return fill('constant_', t, () => full(t.shape, value, like(t)));
}

/** Fills `t` with zeros, PyTorch's `zeros_`. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills `t` with ones, PyTorch's `ones_`. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Fills a 2-D `t` with the identity (ones on the main diagonal), PyTorch's `eye_`. */
export function eye_(t: Tensor): Tensor {
  if (t.rank !== 2) throw new ShapeError('eye_', `only 2-D tensors are supported, got shape ${fmtShape(t.shape)}`);
  return fill('eye_', t, () => eye(t.shape[0]!, t.shape[1]!, like(t)));
}

/**
 * Glorot/Xavier uniform, PyTorch's `xavier_uniform_`: U(−a, a) with
 * a = gain·√(6/(fanIn + fanOut)), so Var = gain²·2/(fanIn + fanOut).
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** Glorot/Xavier normal, PyTorch's `xavier_normal_`: N(0, σ²) with σ = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number | null {
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ArgumentError(op, `mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  if (t.size === 0) return null; // PyTorch warns and leaves an empty tensor alone
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform, PyTorch's `kaiming_uniform_`: U(−b, b) with
 * b = gain·√(3/fan), gain = calculateGain(nonlinearity, a), fan = fanIn or fanOut.
 * PyTorch's layers use a = √5 with leaky_relu, which gives b = 1/√fanIn.
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingUniform_', t, options);
  if (std === null) return t;
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound);
}

/** He/Kaiming normal, PyTorch's `kaiming_normal_`: N(0, σ²) with σ = gain/√fan. */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal_', t, options);
  if (std === null) return t;
  return normal_(t, 0, std);
}

/**
 * A (semi-)orthogonal matrix, PyTorch's `orthogonal_`: the trailing axes are
 * flattened to a [rows, cols] matrix A of N(0, 1) draws, QR-factorised in
 * float64 on the host (Householder), and Q·diag(sign(diag R)) (the unique
 * factor with positive R diagonal, so the result is Haar-distributed) is
 * written back, times `gain`. For rows < cols the transpose is factorised, so
 * the rows are orthonormal; otherwise the columns are.
 */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  if (t.rank < 2) throw new ShapeError('orthogonal_', `only tensors with 2 or more dimensions are supported, got shape ${fmtShape(t.shape)}`);
  if (t.size === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  const draws = randn([rows, cols], { dtype: 'float64', backend: 'cpu' });
  const a = Float64Array.from(draws.dataSync());
  draws.dispose();
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  // tall m×n matrix, row-major: A itself, or its transpose when rows < cols
  const tall = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tall[rows >= cols ? i * n + j : j * n + i] = a[i * cols + j]!;
  const q = orthonormalFactor(tall, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[rows >= cols ? i * n + j : j * n + i]!;
  return fill('orthogonal_', t, () => fromTypedArray(out, t.shape, like(t)));
}

/**
 * The Q of A = QR (A m×n, m ≥ n, row-major) with its columns signed so that
 * R has a positive diagonal, by Householder reflections in float64.
 */
function orthonormalFactor(A: Float64Array, m: number, n: number): Float64Array {
  const R = Float64Array.from(A);
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = R[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm; // reflect away from x to avoid cancellation
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = R[i * n + k]!;
    v[0] = x0 - alpha;
    let vnorm = 0;
    for (let i = 0; i < v.length; i++) vnorm += v[i]! ** 2;
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / vnorm;
    // R ← (I − 2vvᵀ)R on rows k.., columns k..
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * R[i * n + j]!;
      for (let i = k; i < m; i++) R[i * n + j] = R[i * n + j]! - 2 * v[i - k]! * dot;
    }
    vs.push(v);
    diag[k] = R[k * n + k]!;
  }
  // Q = H₀H₁…H_{n−1}·I[:, :n], applied right to left
  const Q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * Q[i * n + j]!;
      for (let i = k; i < m; i++) Q[i * n + j] = Q[i * n + j]! - 2 * v[i - k]! * dot;
    }
  }
  // sign(diag R): PyTorch multiplies Q by d.sign(), which is 0 for a zero pivot
  for (let j = 0; j < n; j++) {
    const s = Math.sign(diag[j]!);
    for (let i = 0; i < m; i++) Q[i * n + j] = Q[i * n + j]! * s;
  }
  return Q;
}
