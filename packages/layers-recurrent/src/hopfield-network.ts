import { ArgumentError, fmtShape, fromTypedArray, Generator, randperm, ShapeError, type Tensor } from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';

/** Options of `HopfieldNetwork.recall`. */
export interface HopfieldRecallOptions {
  /** 'asynchronous' (default): units update one at a time in random order, so the energy never increases; 'synchronous': all at once. */
  mode?: 'asynchronous' | 'synchronous';
  /** Most sweeps over all units (default 100). */
  maxSweeps?: number;
  /** Seed of the update order (default 0). */
  seed?: number;
}

/** What `recall` returns. */
export interface HopfieldRecall {
  /** The final state, ±1, shape of the input. */
  state: Tensor;
  /** Sweeps run. */
  sweeps: number;
  /** True when the last sweep changed nothing (a fixed point). */
  converged: boolean;
  /** The energy E(s) = −½ sᵀJs before the first sweep and after each sweep (first sequence of a batch). */
  energies: number[];
}

/**
 * A Hopfield network (Hopfield 1982): N binary units s_i = ±1 with
 * symmetric weights from the Hebbian rule
 *
 *   J = (1/N) Σ_μ ξ^μ ξ^μᵀ,  J_ii = 0,
 *
 * and the update s_i ← sign(Σ_j J_ij s_j). Each asynchronous update lowers
 * (or keeps) the energy E = −½ sᵀJs, so the state slides into a minimum; the
 * stored patterns are minima while their number stays below about 0.14·N,
 * so a corrupted pattern is recalled whole.
 *
 * @example
 * ```ts
 * const net = new HopfieldNetwork(100);
 * net.store(patterns);                       // [P, 100] of ±1
 * const { state } = net.recall(noisyPattern); // [100]
 * ```
 */
export class HopfieldNetwork extends Module<[Tensor, HopfieldRecallOptions?], Tensor> {
  /** The weights J, [N, N] (a buffer: set by `store`, not learned by gradients). */
  declare weight: Tensor;

  /** A network of `size` units with no memories (J = 0). */
  constructor(
    /** Number of units N. */
    readonly size: number,
  ) {
    super();
    if (!Number.isInteger(size) || size < 1) throw new ArgumentError('HopfieldNetwork', `size must be a positive integer, got ${size}`);
    this.registerBuffer('weight', fromTypedArray(new Float32Array(size * size), [size, size]));
  }

  /** Stores `patterns` [P, N] (entries ±1) with the Hebbian rule, replacing what was stored. */
  store(patterns: Tensor): this {
    const N = this.size;
    if (patterns.rank !== 2 || patterns.shape[1] !== N) throw new ShapeError('HopfieldNetwork.store', `expected patterns [P, ${N}], got ${fmtShape(patterns.shape)}`);
    const xi = patterns.to('cpu').dataSync();
    if (xi.some((v) => v !== 1 && v !== -1)) throw new ArgumentError('HopfieldNetwork.store', 'pattern entries must be +1 or −1');
    const P = patterns.shape[0]!;
    const J = new Float32Array(N * N);
    for (let mu = 0; mu < P; mu++) {
      for (let i = 0; i < N; i++) {
        const a = xi[mu * N + i]! / N;
        for (let j = 0; j < N; j++) if (j !== i) J[i * N + j]! += a * xi[mu * N + j]!;
      }
    }
    this.setBuffer('weight', fromTypedArray(J, [N, N], { backend: this.weight.backend.name }));
    return this;
  }

  /** E(s) = −½ sᵀJs of a state [N]. */
  energy(state: Tensor): number {
    return energyOf(this.weight.to('cpu').dataSync(), this.checkState('HopfieldNetwork.energy', state).dataSync(), 0, this.size);
  }

  /**
   * Runs the dynamics from `state` ([N] or a batch [B, N], ±1) until no unit
   * changes or `maxSweeps`; a unit whose field is exactly 0 keeps its value.
   */
  recall(state: Tensor, options: HopfieldRecallOptions = {}): HopfieldRecall {
    const N = this.size;
    const s = Float32Array.from(this.checkState('HopfieldNetwork.recall', state).dataSync());
    const B = s.length / N;
    const J = this.weight.to('cpu').dataSync();
    const mode = options.mode ?? 'asynchronous';
    const maxSweeps = options.maxSweeps ?? 100;
    const gen = new Generator(options.seed ?? 0);
    const energies = [energyOf(J, s, 0, N)];
    let sweeps = 0;
    let converged = false;
    while (sweeps < maxSweeps && !converged) {
      sweeps++;
      converged = true;
      if (mode === 'synchronous') {
        const prev = s.slice();
        for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) converged = setUnit(s, b * N + i, field(J, prev, b * N, i, N)) && converged;
      } else {
        const order = randperm(N, { generator: gen, backend: 'cpu' }).dataSync();
        for (let b = 0; b < B; b++) for (const i of order) converged = setUnit(s, b * N + i, field(J, s, b * N, i, N)) && converged;
      }
      energies.push(energyOf(J, s, 0, N));
    }
    return { state: fromTypedArray(s, state.shape, { backend: state.backend.name }), sweeps, converged, energies };
  }

  /** `recall(state).state`. */
  forward(state: Tensor, options: HopfieldRecallOptions = {}): Tensor {
    return this.recall(state, options).state;
  }

  private checkState(op: string, state: Tensor): Tensor {
    if ((state.rank !== 1 && state.rank !== 2) || state.shape[state.rank - 1] !== this.size) {
      throw new ShapeError(op, `expected a state [${this.size}] or [B, ${this.size}], got ${fmtShape(state.shape)}`);
    }
    return state.to('cpu');
  }

  /** `size=…` */
  override extraRepr(): string {
    return `size=${this.size}`;
  }
}

/** h_i = Σ_j J_ij s_j for row `i` of the state at `offset`. */
function field(J: ArrayLike<number>, s: ArrayLike<number>, offset: number, i: number, N: number): number {
  let h = 0;
  for (let j = 0; j < N; j++) h += J[i * N + j]! * s[offset + j]!;
  return h;
}

/** s_k ← sign(h) (unchanged when h = 0); true when it did not change. */
function setUnit(s: Float32Array, k: number, h: number): boolean {
  if (h === 0) return true;
  const v = h > 0 ? 1 : -1;
  const same = s[k] === v;
  s[k] = v;
  return same;
}

function energyOf(J: ArrayLike<number>, s: ArrayLike<number>, offset: number, N: number): number {
  let e = 0;
  for (let i = 0; i < N; i++) e += s[offset + i]! * field(J, s, offset, i, N);
  return -0.5 * e;
}
