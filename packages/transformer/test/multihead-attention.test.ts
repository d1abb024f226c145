import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, manualSeed, randn, tensor, transpose, zeros } from '@webgrad/core-tensor';
import { MultiheadAttention, TransformerEncoder, TransformerEncoderLayer } from '@webgrad/transformer';

describe('MultiheadAttention', () => {
  it("has PyTorch's parameters and initialisation: Xavier-uniform in_proj_weight, zero biases", () => {
    manualSeed(1);
    const E = 32;
    const mha = new MultiheadAttention(E, 4);
    expect(Object.entries(mha.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['in_proj_weight', [3 * E, E]],
      ['in_proj_bias', [3 * E]],
      ['out_proj.weight', [E, E]],
      ['out_proj.bias', [E]],
    ]);
    const w = Array.from(mha.in_proj_weight!.dataSync());
    const bound = Math.sqrt(6 / (E + 3 * E)); // fan_in E, fan_out 3E
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(w.reduce((s, v) => s + v * v, 0) / w.length).toBeCloseTo(bound ** 2 / 3, 2); // Var U(−a, a) = a²/3
    expect(Array.from(mha.in_proj_bias!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(mha.out_proj.bias!.dataSync()).every((v) => v === 0)).toBe(true);
  });

  it('separate q/k/v projections when kdim or vdim differ, bias_k/bias_v with addBiasKv', () => {
    const mha = new MultiheadAttention(6, 2, { kdim: 4, vdim: 5, addBiasKv: true, bias: false });
    expect(Object.entries(mha.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['q_proj_weight', [6, 6]],
      ['k_proj_weight', [6, 4]],
      ['v_proj_weight', [6, 5]],
      ['bias_k', [1, 1, 6]],
      ['bias_v', [1, 1, 6]],
      ['out_proj.weight', [6, 6]],
    ]);
    expect(mha.qkvSameEmbedDim).toBe(false);
  });

  it('batchFirst only changes the layout: the same weights give transposed outputs', () => {
    manualSeed(2);
    const a = new MultiheadAttention(8, 2);
    const b = new MultiheadAttention(8, 2, { batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = randn([5, 3, 8]); // [L, N, E]
    const [ya, wa] = a.forward(x, x, x);
    const xb = transpose(x, 0, 1);
    const [yb, wb] = b.forward(xb, xb, xb);
    expect(Array.from(transpose(yb, 0, 1).dataSync())).toEqual(Array.from(ya.dataSync()));
    expect(Array.from(wb!.dataSync())).toEqual(Array.from(wa!.dataSync()));
  });

  it('a padded key gets weight 0 from every query; isCausal hides the future', () => {
    manualSeed(3);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const x = randn([2, 4, 8]);
    const keyPaddingMask = tensor([
      [false, false, false, true],
      [false, true, false, false],
    ]);
    const w = mha.forward(x, x, x, { keyPaddingMask, averageAttnWeights: false })[1]!.arraySync() as number[][][][];
    for (let h = 0; h < 2; h++) for (let i = 0; i < 4; i++) expect([w[0]![h]![i]![3], w[1]![h]![i]![1]]).toEqual([0, 0]);
    const c = mha.forward(x, x, x, { isCausal: true })[1]!.arraySync() as number[][][];
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(c[0]![i]![j]).toBe(0);
  });

  it('dropout acts on the attention weights in training mode only', () => {
    manualSeed(4);
    const mha = new MultiheadAttention(8, 2, { dropout: 0.5 });
    const x = randn([6, 1, 8]);
    const [, wTrain] = mha.forward(x, x, x, { averageAttnWeights: false });
    expect(Array.from(wTrain!.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(10);
    mha.eval();
    const [, wEval] = mha.forward(x, x, x, { averageAttnWeights: false });
    expect(Array.from(wEval!.dataSync()).every((v) => v > 0)).toBe(true);
  });

  it('errors name the layer, the shapes and what was expected', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(new ArgumentError('MultiheadAttention', 'embedDim must be divisible by numHeads, got embedDim 10 and numHeads 3'));
    const mha = new MultiheadAttention(8, 2);
    const x = zeros([4, 2, 8]);
    expect(() => mha.forward(x, x, x, { attnMask: zeros([4, 5]) })).toThrow(new ShapeError('MultiheadAttention', 'the shape of the 2D attnMask is [4,5], but should be [4,4]'));
    expect(() => mha.forward(x, x, x, { attnMask: zeros([3, 4, 4]) })).toThrow(/the shape of the 3D attnMask is \[3,4,4\], but should be \[4,4,4\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: zeros([4, 2]).eq(1) })).toThrow(/expected keyPaddingMask \[2,4\] \(batch, key length\), got \[4,2\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: zeros([2, 4], { dtype: 'int32' }) })).toThrow(/keyPaddingMask must be bool or floating point, got int32/);
    expect(() => mha.forward(zeros([4, 2, 6]), x, x)).toThrow(/expected query features 8, key features 8 and value features 8/);
    expect(() => mha.forward(zeros([2, 4, 2, 8]), x, x)).toThrow(/query should be unbatched 2-D or batched 3-D, got \[2,4,2,8\]/);
  });
});

describe('TransformerEncoder', () => {
  it("stacks deep copies: PyTorch's layers.N names, equal initial weights, separate storage", () => {
    manualSeed(5);
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new TransformerEncoder(layer, 2);
    const keys = Object.keys(enc.stateDict());
    expect(keys.slice(0, 3)).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias', 'layers.0.self_attn.out_proj.weight']);
    expect(keys).toContain('layers.1.norm2.bias');
    const l0 = enc.layers.at(0);
    const l1 = enc.layers.at(1);
    expect(Array.from(l0.linear1.weight.dataSync())).toEqual(Array.from(l1.linear1.weight.dataSync()));
    expect(l0.linear1.weight).not.toBe(l1.linear1.weight);
    expect(l0.linear1.weight).not.toBe(layer.linear1.weight);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(/activation should be relu\/gelu, not tanh/);
  });
});
