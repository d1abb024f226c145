import { describe, expect, it } from 'vitest';
import { memory, tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import {
  Adagrad,
  Adam,
  AdamW,
  LBFGS,
  RMSprop,
  Rprop,
  SGD,
  registerFusedUpdate,
  sgdUpdate,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';

const param = (v: number[]) => new Parameter(tensor(v, { dtype: 'float64' }));

/** Sets p.grad to `g` (as backward would). */
function setGrad(p: Tensor, g: number[]): void {
  p.grad?.dispose();
  p.grad = tidy(() => p.detach().mul(0).add(tensor(g, { dtype: 'float64' })));
  p.grad.isKept = true;
}

describe('options are validated with errors naming the optimizer, the option and the value', () => {
  const w = () => [param([1])];
  it.each([
    [() => new SGD(w(), { lr: -1 }), 'SGD: invalid lr (defaults): -1 (expected a finite number ≥ 0)'],
    [() => new SGD(w(), { lr: 0.1, nesterov: true }), 'SGD: Nesterov momentum requires a momentum > 0 and zero dampening (defaults: momentum 0, dampening 0)'],
    [() => new Adam(w(), { betas: [0.9, 1] }), 'Adam: invalid betas[1] (defaults): 1 (expected a number in [0, 1))'],
    [() => new AdamW(w(), { eps: -1e-8 }), 'AdamW: invalid eps (defaults): -1e-8 (expected a finite number ≥ 0)'],
    [() => new Adagrad(w(), { lrDecay: -0.1 }), 'Adagrad: invalid lrDecay (defaults): -0.1 (expected a finite number ≥ 0)'],
    [() => new RMSprop(w(), { momentum: Number.NaN }), 'RMSprop: invalid momentum (defaults): NaN (expected a finite number ≥ 0)'],
    [() => new Rprop(w(), { etas: [1.2, 0.5] }), 'Rprop: invalid etas (defaults): [1.2, 0.5] (expected 0 < etaMinus < 1 < etaPlus)'],
    [() => new LBFGS(w(), { lineSearchFn: 'wolfe' as never }), "LBFGS: invalid lineSearchFn (defaults): 'wolfe' (expected one of null, 'strongWolfe')"],
    [() => new SGD([{ params: w(), lr: -0.5 }], { lr: 0.1 }), 'SGD: invalid lr (paramGroups[0]): -0.5 (expected a finite number ≥ 0)'],
    [() => new SGD([{ params: w(), lrr: 0.5 } as never]), "SGD: paramGroups[0] has unknown option 'lrr' (known: lr, momentum, dampening, weightDecay, nesterov, maximize)"],
    [() => new SGD([]), 'SGD: optimizer got an empty parameter list'],
    [() => new SGD(param([1]) as never), 'SGD: params must be a list of tensors or of parameter groups, got a single tensor'],
    [() => new SGD([param([1]).mul(2)]), "SGD: paramGroups[0].params[0]: can't optimize a non-leaf tensor"],
    [() => new SGD([tensor([1], { dtype: 'int32' })]), 'SGD: paramGroups[0].params[0] has dtype int32; only floating-point tensors can be optimized'],
    [() => new LBFGS([{ params: w() }, { params: w() }]), "LBFGS: LBFGS doesn't support per-parameter options (parameter groups)"],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects a parameter in two groups or twice in one', () => {
    const p = param([1]);
    expect(() => new SGD([{ params: [p] }, { params: [p] }])).toThrow('SGD: some parameters appear in more than one parameter group');
    expect(() => new SGD([p, p])).toThrow('SGD: paramGroups[0] contains a parameter more than once');
  });
});

describe('parameter groups', () => {
  it('each group uses its own options, missing ones from the defaults', () => {
    const a = param([1, 1]);
    const b = param([1, 1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay, g.momentum])).toEqual([
      [0.1, 0, 0],
      [0.5, 1, 0],
    ]);
    setGrad(a, [1, 2]);
    setGrad(b, [1, 2]);
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([1 - 0.1, 1 - 0.2]);
    // g + λw = [2, 3]
    expect(Array.from(b.dataSync())).toEqual([1 - 0.5 * 2, 1 - 0.5 * 3]);
  });

  it('addParamGroup adds parameters later, and parameters without a gradient are skipped', () => {
    const a = param([1]);
    const opt = new Adam([a], { lr: 0.1 });
    const b = param([2]);
    opt.addParamGroup({ params: b, lr: 0.01 });
    setGrad(b, [1]);
    opt.step();
    expect(a.item()).toBe(1);
    expect(opt.state.has(a)).toBe(false);
    // Adam's first step moves by lr·sign(g) (up to ε)
    expect(b.item()).toBeCloseTo(2 - 0.01, 6);
  });
});

describe('zeroGrad', () => {
  it('frees the gradients (set to null) by default, or fills them with zeros', () => {
    const a = param([1, 2, 3]);
    const opt = new SGD([a], { lr: 0.1 });
    setGrad(a, [1, 1, 1]);
    const before = memory().numTensors;
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(memory().numTensors).toBe(before - 1);
    setGrad(a, [1, 1, 1]);
    opt.zeroGrad(false);
    expect(Array.from(a.grad!.dataSync())).toEqual([0, 0, 0]);
  });
});

describe('state dicts', () => {
  function adamAfterSteps(steps: number): { opt: Adam; p: Parameter } {
    const p = param([1, -2]);
    const opt = new Adam([{ params: [p], lr: 0.05 }], { amsgrad: true });
    for (let k = 0; k < steps; k++) {
      setGrad(p, [p.dataSync()[0] * 2, p.dataSync()[1]]);
      opt.step();
    }
    return { opt, p };
  }

  it('look like PyTorch: state by parameter index, groups with options and parameter indices', () => {
    const { opt } = adamAfterSteps(3);
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(sd.state[0].step).toBe(3);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(sd.paramGroups).toEqual([{ lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0] }]);
  });

  it('are snapshots: later steps do not change a saved state dict', () => {
    const { opt, p } = adamAfterSteps(2);
    const sd = opt.stateDict();
    const saved = Array.from((sd.state[0].expAvg as Tensor).dataSync());
    setGrad(p, [5, 5]);
    opt.step();
    expect(Array.from((sd.state[0].expAvg as Tensor).dataSync())).toEqual(saved);
  });

  it('loading restores group options and rejects mismatched optimizers', () => {
    const { opt } = adamAfterSteps(2);
    const sd = opt.stateDict();
    const other = new Adam([param([0, 0])], { lr: 1 });
    other.loadStateDict(sd);
    expect(other.paramGroups[0].lr).toBe(0.05);
    expect(() => new Adam([{ params: [param([0, 0])] }, { params: [param([0])] }]).loadStateDict(sd)).toThrow(
      'Adam: loaded state dict has 1 parameter groups, the optimizer has 2',
    );
    expect(() => new Adam([param([0, 0]), param([1])]).loadStateDict(sd)).toThrow(
      "Adam: loaded state dict's paramGroups[0] has 1 parameters, the optimizer's group has 2",
    );
    expect(() => new Adam([param([0, 0, 0])]).loadStateDict(sd)).toThrow("Adam: loaded state 'expAvg' has shape [2], its parameter has [3]");
  });
});

describe('fused updates', () => {
  it('a fused kernel registered for a backend replaces the reference update there', () => {
    const calls: number[] = [];
    const off = registerFusedUpdate(sgdUpdate, 'cpu', (inputs, h) => {
      calls.push(h.lr);
      return sgdUpdate.apply(inputs, h);
    });
    const a = param([1]);
    const opt: Optimizer<OptimizerOptions> = new SGD([a], { lr: 0.25 });
    setGrad(a, [2]);
    opt.step();
    off();
    setGrad(a, [2]);
    opt.step();
    expect(calls).toEqual([0.25]);
    expect(a.item()).toBe(0);
  });
});

describe('printing', () => {
  it('lists each group’s options like PyTorch’s repr', () => {
    expect(new SGD([param([1])], { lr: 0.1 }).toString()).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0\n    nesterov: false\n    weightDecay: 0\n)',
    );
  });
});
