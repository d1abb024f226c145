import { add, ArgumentError, DTypeError, fmtShape, mul, normal, relu, ShapeError, sub, tanh, uniform, zeros, concat, type Tensor } from '@webgrad/core-tensor';
import { Module, Parameter } from '@webgrad/nn';
import { linearProjection } from './linear-projection.js';
import { splitTimeSteps } from './split-time-steps.js';

/** Options of `ContinuousTimeRNN`. */
export interface ContinuousTimeRNNOptions {
  /** Euler step Δt (default 0.1). */
  dt?: number;
  /** Time constant τ (default 1): how fast s follows its drive. */
  tau?: number;
  /** The rate function f (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
  /** Recurrent weights J_ij ~ N(0, g²/N) with this gain g (default 0.9; g > 1 is the chaotic regime for tanh). */
  gain?: number;
  /** Learn a bias b inside f (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: 'float32' | 'float64';
}

/** What `ContinuousTimeRNN.forward` returns. */
export interface ContinuousTimeRNNRun {
  /** s at every step, [T, B, N]. */
  states: Tensor;
  /** s after the last step, [B, N]. */
  final: Tensor;
}

/**
 * A continuous-time (rate) recurrent network,
 *
 *   τ ds/dt = −s + f(J·s + J̃·x + b),
 *
 * integrated with forward Euler: s ← s + (Δt/τ)(−s + f(J·s + J̃·x_t + b)).
 * With J_ij ~ N(0, g²/N) and tanh, the silent state is stable for g < 1 and
 * the network is chaotic for g > 1 (Sompolinsky, Crisanti & Sommers 1988).
 * Differentiable end to end, so it trains by backpropagation through time.
 *
 * @example
 * ```ts
 * const net = new ContinuousTimeRNN(2, 100, { dt: 0.1, tau: 1 });
 * const { states } = net.forward(randn([50, 8, 2])); // [50, 8, 100]
 * ```
 */
export class ContinuousTimeRNN extends Module<[Tensor, (Tensor | null)?], ContinuousTimeRNNRun> {
  /** J, [N, N]. */
  recurrentWeight: Parameter;
  /** J̃, [N, inputSize]. */
  inputWeight: Parameter;
  /** b, [N], or null. */
  bias: Parameter | null;
  /** The options, with defaults filled in. */
  readonly options: Required<ContinuousTimeRNNOptions>;

  /** N units reading inputs of `inputSize`. */
  constructor(
    /** Input features. */
    readonly inputSize: number,
    /** Number of units N. */
    readonly size: number,
    options: ContinuousTimeRNNOptions = {},
  ) {
    super();
    const o: Required<ContinuousTimeRNNOptions> = { dt: 0.1, tau: 1, nonlinearity: 'tanh', gain: 0.9, bias: true, dtype: 'float32', ...options };
    if (!Number.isInteger(size) || size < 1) throw new ArgumentError('ContinuousTimeRNN', `size must be a positive integer, got ${size}`);
    if (!Number.isInteger(inputSize) || inputSize < 0) throw new ArgumentError('ContinuousTimeRNN', `inputSize must be a non-negative integer, got ${inputSize}`);
    if (!(o.dt > 0) || !(o.tau > 0)) throw new ArgumentError('ContinuousTimeRNN', `dt and tau must be positive, got dt=${o.dt}, tau=${o.tau}`);
    if (o.nonlinearity !== 'tanh' && o.nonlinearity !== 'relu') throw new ArgumentError('ContinuousTimeRNN', `unknown nonlinearity '${String(o.nonlinearity)}'`);
    this.options = o;
    this.recurrentWeight = new Parameter(normal([size, size], 0, o.gain / Math.sqrt(size), { dtype: o.dtype }));
    const bound = inputSize > 0 ? 1 / Math.sqrt(inputSize) : 0;
    this.inputWeight = new Parameter(uniform([size, inputSize], -bound, bound, { dtype: o.dtype }));
    this.bias = o.bias ? new Parameter(zeros([size], { dtype: o.dtype })) : null;
  }

  /** One Euler step from s [B, N] with input x [B, inputSize]. */
  step(s: Tensor, x: Tensor): Tensor {
    return this.eulerStep(s, linearProjection(x, this.inputWeight, this.bias));
  }

  /** Integrates over `input` [T, B, inputSize] from s0 [B, N] (zeros when omitted). */
  forward(input: Tensor, s0: Tensor | null = null): ContinuousTimeRNNRun {
    if (input.rank !== 3 || input.shape[2] !== this.inputSize) {
      throw new ShapeError('ContinuousTimeRNN', `expected input [T, B, ${this.inputSize}], got ${fmtShape(input.shape)}`);
    }
    if (input.dtype !== this.recurrentWeight.dtype) throw new DTypeError('ContinuousTimeRNN', `input is ${input.dtype} but the parameters are ${this.recurrentWeight.dtype}`);
    const B = input.shape[1]!;
    const N = this.size;
    if (s0 && (s0.rank !== 2 || s0.shape[0] !== B || s0.shape[1] !== N)) throw new ShapeError('ContinuousTimeRNN', `expected s0 [${B}, ${N}], got ${fmtShape(s0.shape)}`);
    let s = s0 ?? zeros([B, N], { dtype: input.dtype, backend: input.backend.name });
    // the input drive J̃·x_t + b of every step in one matmul
    const drives = splitTimeSteps(linearProjection(input, this.inputWeight, this.bias));
    const states: Tensor[] = [];
    for (const d of drives) {
      s = this.eulerStep(s, d.reshape([B, N]));
      states.push(s.reshape([1, B, N]));
    }
    return { states: states.length ? concat(states, 0) : zeros([0, B, N], { dtype: input.dtype, backend: input.backend.name }), final: s };
  }

  private eulerStep(s: Tensor, drive: Tensor): Tensor {
    const pre = add(linearProjection(s, this.recurrentWeight), drive);
    const rate = this.options.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
    return add(s, mul(sub(rate, s), this.options.dt / this.options.tau));
  }

  /** `input_size=…, size=…, dt=…, tau=…` */
  override extraRepr(): string {
    const o = this.options;
    return `input_size=${this.inputSize}, size=${this.size}, dt=${o.dt}, tau=${o.tau}, nonlinearity=${o.nonlinearity}`;
  }
}
