import { matmul, add, zeros, WebgradError, fmtShape, hasKernel, reshape, sizeOf, type Tensor, transpose } from '@webgrad/core-tensor';
import { kaimingUniform_, uniform_ } from './init.js';
import { matmulBiasAct } from './matmul-bias-act.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `Linear` (PyTorch's names). */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b, PyTorch's `nn.Linear`: weight [outFeatures, inFeatures], bias
 * [outFeatures], both initialised U(−1/√in, 1/√in) as PyTorch does
 * (kaiming_uniform with a = √5 for the weight).
 */
export class Linear extends Module<[Tensor], Tensor> {
  /** The weight, [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias, [outFeatures], or null. */
  bias: Parameter | null;

  /** Creates the layer with PyTorch's default initialisation. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly options: LinearOptions = {},
  ) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures < 0 || !Number.isInteger(outFeatures) || outFeatures < 0) {
      throw new WebgradError('Linear', `inFeatures and outFeatures must be non-negative integers, got ${inFeatures} and ${outFeatures}`);
    }
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures]));
    this.resetParameters();
  }

  /**
   * Re-draws the parameters as PyTorch's `reset_parameters`: the weight by
   * kaiming_uniform with a = √5, i.e. U(−1/√in, 1/√in), the bias from
   * U(−1/√in, 1/√in).
   */
  resetParameters(): void {
    if (this.inFeatures > 0) kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  /** Applies the layer to [..., inFeatures]. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new WebgradError('Linear', `expected input [..., ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    }
    const backend = x.backend.name;
    if (this.bias && backend !== 'cpu' && hasKernel('matmulBiasAct', backend) && x.dtype === this.weight.dtype) {
      // one dispatch for x·Wᵀ + b (Wᵀ never materialised); the CPU keeps the composed path below
      const lead = x.shape.slice(0, -1);
      const w = reshape(this.weight, [1, this.outFeatures, this.inFeatures]);
      const y = matmulBiasAct(reshape(x, [1, sizeOf(lead), this.inFeatures]), w, this.bias, { transposeB: true });
      return reshape(y, [...lead, this.outFeatures]);
    }
    const y = matmul(x, transpose(this.weight));
    return this.bias ? add(y, this.bias) : y;
  }

  /** `in_features=…, out_features=…, bias=…` */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
