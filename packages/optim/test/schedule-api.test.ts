import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import {
  Adagrad,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type LRScheduler,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';

const sgd = () => new SGD([{ params: [new Parameter(zeros([2]))] }, { params: [new Parameter(zeros([1]))], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });

describe('schedule semantics', () => {
  const closedForms: [string, (o: Optimizer<OptimizerOptions>) => LRScheduler][] = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
    ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [2, 4, 4], gamma: 0.5 })],
    ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.8 })],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 })],
    ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 4 })],
  ];
  it.each(closedForms)('%s: step(epoch) (the closed form) gives the rates of stepping there one by one', (_name, make) => {
    const a = sgd();
    const sa = make(a);
    const b = sgd();
    const sb = make(b);
    for (let epoch = 1; epoch <= 9; epoch++) {
      sa.step();
      sb.step(epoch);
      sa.getLastLr().forEach((lr, i) => expect(sb.getLastLr()[i]).toBeCloseTo(lr, 14));
    }
  });

  it('resuming with lastEpoch needs initialLr in the groups, then continues the schedule', () => {
    expect(() => new StepLR(sgd(), { stepSize: 2, lastEpoch: 4 })).toThrow("StepLR: param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer");
    const opt = sgd();
    const first = new CosineAnnealingLR(opt, { tMax: 8 });
    for (let k = 0; k < 5; k++) first.step();
    const resumed = new CosineAnnealingLR(opt, { tMax: 8, lastEpoch: 4 });
    expect(resumed.getLastLr()).toEqual(first.getLastLr());
    expect(resumed.lastEpoch).toBe(5);
  });

  it('a state dict round trip (through JSON) continues identically', () => {
    const a = sgd();
    const sa = new OneCycleLR(a, { maxLr: 0.5, totalSteps: 30 });
    for (let k = 0; k < 10; k++) sa.step();
    const b = sgd();
    const sb = new OneCycleLR(b, { maxLr: 0.5, totalSteps: 30 });
    b.loadStateDict(a.stateDict());
    sb.loadStateDict(JSON.parse(JSON.stringify(sa.stateDict())));
    for (let k = 0; k < 10; k++) {
      sa.step();
      sb.step();
      expect(sb.getLastLr()).toEqual(sa.getLastLr());
      expect(b.paramGroups.map((g) => g.momentum)).toEqual(a.paramGroups.map((g) => g.momentum));
    }
  });

  it('ReduceLROnPlateau: best is null in the state dict until a metric arrives, and the state survives JSON', () => {
    const a = sgd();
    const sa = new ReduceLROnPlateau(a, { patience: 1, factor: 0.5 });
    expect(sa.stateDict().best).toBeNull();
    for (const m of [1, 1, 1]) sa.step(m);
    const b = sgd();
    b.loadStateDict(a.stateDict());
    const sb = new ReduceLROnPlateau(b, { patience: 1, factor: 0.5 });
    sb.loadStateDict(JSON.parse(JSON.stringify(sa.stateDict())));
    for (const m of [1, 1, 0.5, 0.5, 0.5]) {
      sa.step(m);
      sb.step(tensor(m));
    }
    expect(sb.getLastLr()).toEqual(sa.getLastLr());
    expect(sa.getLastLr()).toEqual([0.0125, 0.00625]);
  });

  it('errors name the schedule and the problem', () => {
    const opt = sgd();
    const cycle = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 2 });
    cycle.step();
    cycle.step();
    expect(() => cycle.step()).toThrow('OneCycleLR: tried to step 4 times; the specified number of total steps is 2');
    const adagrad = new Adagrad([new Parameter(zeros([1]))]);
    expect(() => new OneCycleLR(adagrad, { maxLr: 0.1, totalSteps: 5 })).toThrow(
      'OneCycleLR: optimizer must support momentum (momentum or betas) with the cycleMomentum option enabled; Adagrad has neither',
    );
    expect(() => new OneCycleLR(sgd(), { maxLr: [0.1], totalSteps: 5 })).toThrow('OneCycleLR: expected 2 values for maxLr (one per parameter group), got [0.1]');
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('ReduceLROnPlateau: factor should be in [0, 1), got 1');
    expect(() => new LinearLR(sgd(), { startFactor: 0 })).toThrow('LinearLR: invalid startFactor: 0 (expected a number in (0, 1])');
    expect(() => new StepLR(sgd(), { stepSize: 0 })).toThrow('StepLR: invalid stepSize: 0 (expected an integer ≥ 1)');
  });
});
