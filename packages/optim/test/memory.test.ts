import { describe, expect, it } from 'vitest';
import { memory, tidy, type Tensor } from '@webgrad/core-tensor';
import {
  Adam,
  LBFGS,
  Newton,
  OneCycleLR,
  QuickProp,
  RMSprop,
  Rprop,
  SGD,
  NAdam,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';
import { PARAM_NAMES, freshParams, mse, ridge } from './trajectory-fixture';

/** Live tensors and bytes after warm-up steps and after many more: they must be equal. */
function liveAfter(warmup: number, total: number, step: () => void): [number[], number[]] {
  for (let k = 0; k < warmup; k++) step();
  const before = memory();
  for (let k = warmup; k < total; k++) step();
  const after = memory();
  return [
    [before.numTensors, before.numBytes],
    [after.numTensors, after.numBytes],
  ];
}

function firstOrderLoop(make: (params: Tensor[]) => Optimizer<OptimizerOptions>, withSchedule = false): () => void {
  const p = freshParams();
  const opt = make(PARAM_NAMES.map((n) => p[n]));
  const sched = withSchedule ? new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 100000 }) : null;
  return () => {
    tidy(() => {
      opt.zeroGrad();
      mse(p).backward();
      opt.step();
    });
    sched?.step();
  };
}

describe('training loops keep memory flat (no tensor leaks)', () => {
  it('Adam with a OneCycle schedule (a new learning rate and bias correction every step): 2000 steps', () => {
    const [before, after] = liveAfter(5, 2000, firstOrderLoop((ps) => new Adam(ps, { amsgrad: true }), true));
    expect(after).toEqual(before);
  });

  it.each([
    ['SGD (Nesterov, weight decay)', (ps: Tensor[]) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
    ['NAdam', (ps: Tensor[]) => new NAdam(ps)],
    ['RMSprop (centered, momentum)', (ps: Tensor[]) => new RMSprop(ps, { centered: true, momentum: 0.5 })],
    ['Rprop', (ps: Tensor[]) => new Rprop(ps)],
    ['QuickProp', (ps: Tensor[]) => new QuickProp(ps)],
  ])('%s: 200 steps', (_name, make) => {
    const [before, after] = liveAfter(5, 200, firstOrderLoop(make));
    expect(after).toEqual(before);
  });

  it('LBFGS with the strong-Wolfe line search: 30 steps of 4 iterations', () => {
    const p = freshParams();
    const opt = new LBFGS(PARAM_NAMES.map((n) => p[n]), { maxIter: 4, historySize: 3, lineSearchFn: 'strongWolfe', toleranceGrad: 0, toleranceChange: 0 });
    const closure = () => {
      opt.zeroGrad();
      const l = ridge(p);
      l.backward();
      return l;
    };
    // the history fills during the first steps (3 pairs), then stays at its size
    const [before, after] = liveAfter(10, 30, () => tidy(() => void opt.step(closure)));
    expect(after).toEqual(before);
  });

  it('Newton: 6 steps', () => {
    const p = freshParams();
    const opt = new Newton(PARAM_NAMES.map((n) => p[n]), { damping: 1e-3 });
    const [before, after] = liveAfter(2, 6, () => tidy(() => void opt.step(() => ridge(p))));
    expect(after).toEqual(before);
  });
});
