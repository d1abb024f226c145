import { ArgumentError, ShapeError, fmtShape, silu, type Tensor } from '@webgrad/core-tensor';
import { Linear, Module, ModuleList, SiLU, Sequential } from '@webgrad/nn';
import type { Denoiser } from './denoiser.js';
import { conditioningEmbedding, zeroOutputLayer } from './denoiser-conditioning.js';
import { LabelEmbedding } from './label-embedding.js';
import { SinusoidalTimeEmbedding } from './timestep-embedding.js';

/** Options of `MlpDenoiser`. */
export interface MlpDenoiserOptions {
  /** Width D of the data (2 for points in the plane, 64 for flattened 8x8 images). */
  dataDim: number;
  /** Width H of the hidden layers (default 128). */
  hiddenDim?: number;
  /** Number of residual blocks (default 3). */
  numBlocks?: number;
  /** Width of the sinusoidal time embedding (default 32). */
  timeEmbedDim?: number;
  /** Classes to condition on (default 0: unconditional); the label `numClasses` means "no label". */
  numClasses?: number;
}

/**
 * A residual MLP denoiser for vector data [B, D] (points in the plane,
 * flattened images). The timestep goes through a sinusoidal embedding and a
 * two-layer MLP to e(t) ∈ ℝᴴ (plus a class embedding when conditioned), and
 * every block adds it before its nonlinearity:
 *
 *   h₀ = W_in z,   h_{k+1} = h_k + W₂ SiLU(W₁ h_k + U_k SiLU(e(t))),   out = W_out SiLU(h_K).
 *
 * The output layer starts at zero, so an untrained model predicts 0.
 *
 * @example
 * ```ts
 * import { MlpDenoiser } from '@webgrad/generative-diffusion';
 * import { randn, tensor } from '@webgrad/core-tensor';
 * const net = new MlpDenoiser({ dataDim: 2 });
 * net.forward(randn([3, 2]), tensor([0, 10, 49], { dtype: 'int32' })).shape; // [3, 2]
 * ```
 */
export class MlpDenoiser extends Module<[Tensor, Tensor, Tensor?], Tensor> implements Denoiser {
  /** Sinusoidal embedding of t. */
  timeEmbed: SinusoidalTimeEmbedding;
  /** Two-layer MLP on the time embedding, to width H. */
  timeMlp: Sequential;
  /** Class embedding (numClasses + 1 rows), or null when unconditional. */
  labelEmbed: LabelEmbedding | null;
  /** z → h₀. */
  input: Linear;
  /** The residual blocks. */
  blocks: ModuleList<MlpBlock>;
  /** SiLU(h_K) → output. */
  output: Linear;
  /** The options with defaults filled in. */
  readonly options: Required<MlpDenoiserOptions>;

  /** Creates the network. */
  constructor(options: MlpDenoiserOptions) {
    super();
    const o = (this.options = {
      dataDim: options.dataDim,
      hiddenDim: options.hiddenDim ?? 128,
      numBlocks: options.numBlocks ?? 3,
      timeEmbedDim: options.timeEmbedDim ?? 32,
      numClasses: options.numClasses ?? 0,
    });
    for (const [k, v] of Object.entries(o)) {
      const min = k === 'numClasses' || k === 'numBlocks' ? 0 : 1;
      if (!Number.isInteger(v) || v < min)
        throw new ArgumentError('MlpDenoiser', `${k} must be an integer >= ${min}, got ${v}`);
    }
    const h = o.hiddenDim;
    this.timeEmbed = new SinusoidalTimeEmbedding(o.timeEmbedDim);
    this.timeMlp = new Sequential(new Linear(o.timeEmbedDim, h), new SiLU(), new Linear(h, h));
    this.labelEmbed = o.numClasses > 0 ? new LabelEmbedding(o.numClasses, h) : null;
    this.input = new Linear(o.dataDim, h);
    this.blocks = new ModuleList(Array.from({ length: o.numBlocks }, () => new MlpBlock(h)));
    this.output = new Linear(h, o.dataDim);
    zeroOutputLayer(this.output);
  }

  /** Classes it is conditioned on (0 when unconditional). */
  get numClasses(): number {
    return this.options.numClasses;
  }

  /** The prediction for noisy data zₜ [B, D] at timesteps t [B] (int32), optionally with labels [B]. */
  forward(zt: Tensor, t: Tensor, labels?: Tensor): Tensor {
    const d = this.options.dataDim;
    if (zt.rank !== 2 || zt.shape[1] !== d) {
      throw new ShapeError('MlpDenoiser', `expected zt [B, ${d}], got ${fmtShape(zt.shape)}`);
    }
    const te = silu(conditioningEmbedding('MlpDenoiser', this, zt, t, labels));
    let h = this.input.forward(zt);
    for (const block of this.blocks) h = block.forward(h, te);
    return this.output.forward(silu(h));
  }

  /** `data_dim=…, hidden_dim=…, num_blocks=…` */
  override extraRepr(): string {
    const o = this.options;
    return `data_dim=${o.dataDim}, hidden_dim=${o.hiddenDim}, num_blocks=${o.numBlocks}, num_classes=${o.numClasses}`;
  }
}

/** One residual block of `MlpDenoiser`: h + W₂ SiLU(W₁ h + U e). */
export class MlpBlock extends Module<[Tensor, Tensor], Tensor> {
  /** W₁. */
  fc1: Linear;
  /** U, the time (and class) projection. */
  time: Linear;
  /** W₂. */
  fc2: Linear;

  /** Creates a block of width `dim`. */
  constructor(readonly dim: number) {
    super();
    this.fc1 = new Linear(dim, dim);
    this.time = new Linear(dim, dim);
    this.fc2 = new Linear(dim, dim);
  }

  /** h + W₂ SiLU(W₁ h + U e) for h [B, H] and the activated embedding e [B, H]. */
  forward(h: Tensor, e: Tensor): Tensor {
    return h.add(this.fc2.forward(silu(this.fc1.forward(h).add(this.time.forward(e)))));
  }
}
