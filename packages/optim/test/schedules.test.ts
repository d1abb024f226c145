import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeros } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import {
  Adam,
  ChainedScheduler,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  SequentialLR,
  StepLR,
  type Optimizer,
  type OptimizerOptions,
  type Scheduler,
} from '@webgrad/optim';

interface ScheduleCase {
  name: string;
  scheduler: string;
  options: Record<string, unknown>;
  optimizer: 'SGD' | 'Adam';
  momentum: number;
  metrics: number[] | null;
  lrs: number[][];
  momentums?: number[][];
  lastLr?: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/schedules.json', import.meta.url), 'utf8')) as { cases: ScheduleCase[] };

/** Two groups as the fixture builds them: lr 0.1 and 0.05. */
function optimizerFor(c: ScheduleCase): Optimizer<OptimizerOptions> {
  const w = new Parameter(zeros([2]));
  const b = new Parameter(zeros([1]));
  const groups = [{ params: [w] }, { params: [b], lr: 0.05 }];
  return c.optimizer === 'Adam' ? new Adam(groups, { lr: 0.1 }) : new SGD(groups, { lr: 0.1, momentum: c.momentum });
}

type Build = (opt: Optimizer<OptimizerOptions>, o: never) => Scheduler;
const BUILDERS: Record<string, Build> = {
  StepLR: (opt, o) => new StepLR(opt, o),
  MultiStepLR: (opt, o) => new MultiStepLR(opt, o),
  ExponentialLR: (opt, o) => new ExponentialLR(opt, o),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o),
  LinearLR: (opt, o) => new LinearLR(opt, o),
  OneCycleLR: (opt, o) => new OneCycleLR(opt, o),
  ReduceLROnPlateau: (opt, o) => new ReduceLROnPlateau(opt, o),
  // two schedules stepped one after the other compose multiplicatively, in order
  'chain-step-then-exponential': (opt) => {
    const a = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    return {
      step: () => {
        a.step();
        b.step();
      },
      getLastLr: () => b.getLastLr(),
      stateDict: () => ({}),
      loadStateDict: () => undefined,
    };
  },
  'chained-scheduler': (opt) => new ChainedScheduler([new ExponentialLR(opt, { gamma: 0.9 }), new MultiStepLR(opt, { milestones: [3, 6], gamma: 0.5 })]),
  'sequential-warmup-cosine': (opt) =>
    new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.1, totalIters: 3 }), new CosineAnnealingLR(opt, { tMax: 6, etaMin: 0.01 })], [3]),
};

function momentaOf(opt: Optimizer<OptimizerOptions>, kind: 'SGD' | 'Adam'): number[] {
  return opt.paramGroups.map((g) => (kind === 'Adam' ? (g as unknown as { betas: number[] }).betas[0] : (g as unknown as { momentum: number }).momentum));
}

function expectSequence(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((row, k) =>
    row.forEach((v, i) => {
      const e = expected[k][i];
      if (!(Math.abs(v - e) <= 1e-12 * Math.abs(e) + 1e-15)) throw new Error(`${what} at epoch ${k}, group ${i}: webgrad ${v} vs PyTorch ${e}`);
    }),
  );
}

describe('learning-rate schedules equal PyTorch 1.13 (relative error ≤ 1e-12)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const opt = optimizerFor(c);
      const sched = BUILDERS[c.scheduler](opt, c.options as never);
      const lrs = [opt.paramGroups.map((g) => g.lr)];
      const moms = [momentaOf(opt, c.optimizer)];
      for (let i = 0; i < c.lrs.length - 1; i++) {
        opt.step();
        if (c.metrics) (sched as ReduceLROnPlateau).step(c.metrics[i]);
        else sched.step();
        lrs.push(opt.paramGroups.map((g) => g.lr));
        moms.push(momentaOf(opt, c.optimizer));
      }
      expectSequence(lrs, c.lrs, `${c.name} lr`);
      if (c.momentums) expectSequence(moms, c.momentums, `${c.name} momentum`);
      if (c.lastLr) expect(sched.getLastLr()).toEqual(lrs[lrs.length - 1]);
    });
  }
});
