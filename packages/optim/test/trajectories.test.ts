import { describe, expect, it } from 'vitest';
import { tidy, type Tensor } from '@webgrad/core-tensor';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  LBFGS,
  NAdam,
  RMSprop,
  Rprop,
  SGD,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';
import { PARAM_NAMES, freshParams, objectiveOf, trajectories, type ParamName, type TrajectoryCase } from './mlp-fixture';

type AnyOptimizer = Optimizer<OptimizerOptions> & { step(closure?: () => Tensor): Tensor | number | undefined };
type Ctor = new (params: never, options: never) => AnyOptimizer;
const OPTIMIZERS: Record<string, Ctor> = { SGD, Adam, AdamW, NAdam, Adamax, Adagrad, Adadelta, RMSprop, Rprop, LBFGS } as unknown as Record<string, Ctor>;

/** Elementwise relative error: |a − b| ≤ 1e-5·|b| (plus 1e-12 for values at zero). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= 1e-5 * Math.abs(expected[i]) + 1e-12)) {
      throw new Error(`${what}[${i}]: webgrad ${actual[i]} vs PyTorch ${expected[i]} (relative error ${err / Math.abs(expected[i])})`);
    }
  }
}

function run(c: TrajectoryCase): void {
  const p = freshParams();
  const params = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((n: ParamName) => p[n]) })) : PARAM_NAMES.map((n) => p[n]);
  const opt = new OPTIMIZERS[c.optimizer](params as never, c.options as never);
  const objective = () => objectiveOf(c.objective, p);
  const closure = () => {
    opt.zeroGrad();
    const loss = objective();
    loss.backward();
    return loss;
  };
  c.steps.forEach((expected, k) => {
    const loss = tidy(() => {
      if (c.closure) return Number((opt.step(closure) as Tensor).item());
      const l = closure().item();
      opt.step();
      return l;
    });
    expectClose([loss], [expected.loss], `${c.name} step ${k + 1} loss`);
    for (const n of PARAM_NAMES) expectClose(p[n].dataSync(), expected.params[n], `${c.name} step ${k + 1} ${n}`);
    if (expected.funcEvals !== undefined) {
      // L-BFGS takes the same decisions: as many closure evaluations and iterations as PyTorch
      const s = opt.state.get(p.w1)!;
      expect([s.funcEvals, s.nIter], `${c.name} step ${k + 1} evaluations and iterations`).toEqual([expected.funcEvals, expected.nIter]);
    }
  });
}

describe('optimizer trajectories equal PyTorch 1.13 on a 3-4-2 tanh MLP (float64, relative error ≤ 1e-5)', () => {
  for (const c of trajectories.cases) {
    it(`${c.name}: ${c.steps.length} steps`, () => run(c));
  }
});
