import { describe, expect, it } from 'vitest';
import { tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import type { Parameter } from '@webgrad/nn';
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
  deserializeOptimizerState,
  serializeOptimizerState,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';
import { PARAM_NAMES, freshParams, objectiveOf, trajectories, type ParamName, type TrajectoryCase } from './trajectory-fixture';

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

function build(c: TrajectoryCase, p: Record<ParamName, Parameter>): AnyOptimizer {
  const params = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((n: ParamName) => p[n]) })) : PARAM_NAMES.map((n) => p[n]);
  return new OPTIMIZERS[c.optimizer](params as never, c.options as never);
}

/**
 * Runs steps `from` to the end of case `c` and checks each against PyTorch.
 * With `resumeAt`, the first `resumeAt` steps run on one optimizer, whose
 * state goes through JSON and copied tensors into a fresh optimizer on fresh
 * parameters, which must continue exactly as the uninterrupted run.
 */
function run(c: TrajectoryCase, resumeAt?: number): void {
  let p = freshParams();
  let opt = build(c, p);
  const closure = () => {
    opt.zeroGrad();
    const loss = objectiveOf(c.objective, p);
    loss.backward();
    return loss;
  };
  c.steps.forEach((expected, k) => {
    if (k === resumeAt) {
      const { tensors, meta } = serializeOptimizerState(opt.stateDict());
      const copies = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, tensor(t.dataSync(), { shape: t.shape.slice(), dtype: t.dtype })]));
      const restoredParams = freshParams();
      for (const n of PARAM_NAMES) restoredParams[n].assign_(tensor(p[n].dataSync(), { shape: p[n].shape.slice(), dtype: 'float64' }));
      p = restoredParams;
      opt = build(c, p);
      opt.loadStateDict(deserializeOptimizerState({ tensors: copies, meta: JSON.parse(JSON.stringify(meta)) }));
    }
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

describe('a state dict saved at step 10 (through JSON) resumes the same trajectory', () => {
  for (const c of trajectories.cases) {
    it(c.name, () => run(c, 10));
  }
});
