import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import { Linear, Module, Parameter, Sequential, mseLoss } from '@webgrad/nn';
import { Adam, AdamW, SGD } from '@webgrad/optim';
import {
  LayerNorm,
  decoupledWeightDecay_,
  l1Penalty,
  l2Penalty,
  weightDecayGroups,
} from '@webgrad/regularize';
import { expectClose } from './close-to.js';

const values = (t: Tensor) => Array.from(t.dataSync());

describe('l1Penalty and l2Penalty', () => {
  it('L1 = λΣ|w| with gradient λ·sign(w); L2 = (λ/2)Σw² with gradient λw', () => {
    const w = tensor(
      [
        [1, -2],
        [3, 0.5],
      ],
      { requiresGrad: true },
    );
    const b = tensor([-4], { requiresGrad: true });
    const l1 = l1Penalty([w, b], 0.1);
    expect(l1.item()).toBeCloseTo(0.1 * (1 + 2 + 3 + 0.5 + 4), 6);
    l1.backward();
    expect(values(w.grad!)).toEqual([0.1, -0.1, 0.1, 0.1].map(Math.fround));
    expect(values(b.grad!)).toEqual([Math.fround(-0.1)]);

    const v = tensor(
      [
        [1, -2],
        [3, 0.5],
      ],
      { requiresGrad: true },
    );
    const l2 = l2Penalty([v], 0.2);
    expect(l2.item()).toBeCloseTo(0.1 * (1 + 4 + 9 + 0.25), 6);
    l2.backward();
    expectClose(v.grad!.dataSync(), [0.2, -0.4, 0.6, 0.1], 1e-7, 'dL2/dw = λw');
  });

  it('takes a module (all its parameters) and is 0 over nothing', () => {
    manualSeed(0);
    const lin = new Linear(3, 2);
    const direct = l2Penalty([lin.weight, lin.bias!], 1).item();
    expect(l2Penalty(lin, 1).item()).toBeCloseTo(direct, 6);
    expect(l1Penalty([], 1).item()).toBe(0);
    expect(() => l2Penalty(lin, -1)).toThrow(
      'l2Penalty: coefficient must be a finite number >= 0, got -1',
    );
  });
});

class Net extends Module<[Tensor], Tensor> {
  fc1 = new Linear(3, 4);
  fc2 = new Linear(4, 1);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).tanh());
  }
}

/** Two nets with the same initial weights and a fixed regression batch. */
function twins(): { a: Net; b: Net; x: Tensor; y: Tensor } {
  manualSeed(42);
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  return { a, b, x: randn([16, 3]), y: randn([16, 1]) };
}

function train(
  net: Net,
  step: (loss: Tensor) => void,
  x: Tensor,
  y: Tensor,
  penalty: (n: Net) => Tensor | null,
  steps = 5,
): void {
  for (let i = 0; i < steps; i++) {
    net.zeroGrad();
    const data = mseLoss(net.forward(x), y);
    const extra = penalty(net);
    step(extra ? data.add(extra) : data);
  }
}

const paramValues = (n: Net) => n.parameters().flatMap(values);

describe('weight decay', () => {
  const lambda = 0.05;

  it.each([0, 0.9])(
    'SGD with weightDecay λ takes the same steps as SGD on loss + l2Penalty(λ) (momentum %s)',
    (momentum) => {
      const { a, b, x, y } = twins();
      const decayed = new SGD(a.parameters(), { lr: 0.1, momentum, weightDecay: lambda });
      const penalised = new SGD(b.parameters(), { lr: 0.1, momentum });
      train(
        a,
        (l) => (l.backward(), decayed.step()),
        x,
        y,
        () => null,
      );
      train(
        b,
        (l) => (l.backward(), penalised.step()),
        x,
        y,
        (n) => l2Penalty(n, lambda),
      );
      expectClose(paramValues(a), paramValues(b), 1e-6, 'SGD(weightDecay) vs SGD + L2');
    },
  );

  it('AdamW’s decoupled decay is not Adam on loss + l2Penalty(λ)', () => {
    const { a, b, x, y } = twins();
    const adamw = new AdamW(a.parameters(), { lr: 0.05, weightDecay: lambda });
    const adamL2 = new Adam(b.parameters(), { lr: 0.05 });
    train(
      a,
      (l) => (l.backward(), adamw.step()),
      x,
      y,
      () => null,
    );
    train(
      b,
      (l) => (l.backward(), adamL2.step()),
      x,
      y,
      (n) => l2Penalty(n, lambda),
    );
    const diff = Math.max(...paramValues(a).map((v, i) => Math.abs(v - paramValues(b)[i]!)));
    expect(diff).toBeGreaterThan(1e-4);
  });

  it('Adam(weightDecay λ) is Adam on loss + l2Penalty(λ), and AdamW is decoupledWeightDecay_ then Adam', () => {
    const { a, b, x, y } = twins();
    const coupled = new Adam(a.parameters(), { lr: 0.05, weightDecay: lambda });
    const penalised = new Adam(b.parameters(), { lr: 0.05 });
    train(
      a,
      (l) => (l.backward(), coupled.step()),
      x,
      y,
      () => null,
    );
    train(
      b,
      (l) => (l.backward(), penalised.step()),
      x,
      y,
      (n) => l2Penalty(n, lambda),
    );
    expectClose(paramValues(a), paramValues(b), 1e-5, 'Adam(weightDecay) vs Adam + L2');

    const c = twins();
    const adamw = new AdamW(c.a.parameters(), { lr: 0.05, weightDecay: lambda });
    const plain = new Adam(c.b.parameters(), { lr: 0.05 });
    train(
      c.a,
      (l) => (l.backward(), adamw.step()),
      c.x,
      c.y,
      () => null,
    );
    train(
      c.b,
      (l) => (l.backward(), decoupledWeightDecay_(c.b, 0.05, lambda), plain.step()),
      c.x,
      c.y,
      () => null,
    );
    expectClose(paramValues(c.a), paramValues(c.b), 1e-6, 'AdamW vs decay + Adam');
  });

  it('with no data gradient, Adam normalises the L2 gradient away (a step of ≈η) while AdamW shrinks w by (1 − ηλ)', () => {
    const w1 = new Parameter(tensor([10]));
    const w2 = new Parameter(tensor([10]));
    const adam = new Adam([w1], { lr: 0.1 });
    const adamw = new AdamW([w2], { lr: 0.1, weightDecay: 0.01 });
    l2Penalty([w1], 0.01).backward(); // gradient λw = 0.1
    adam.step();
    w2.mul(0).sum().backward(); // gradient 0
    adamw.step();
    expect(w1.item()).toBeCloseTo(10 - 0.1, 5); // m̂/√v̂ = 1 whatever λ is
    expect(w2.item()).toBeCloseTo(10 * (1 - 0.1 * 0.01), 5);
  });

  it('weightDecayGroups exempts biases and 1-D tensors (norm scales) by default', () => {
    const net = new Sequential(new Linear(3, 4), new LayerNorm(4), new Linear(4, 2));
    const [decay, noDecay] = weightDecayGroups(net, { weightDecay: 0.1 });
    const names = new Map(net.namedParameters().map(([k, p]) => [p as Tensor, k]));
    expect(decay.weightDecay).toBe(0.1);
    expect(noDecay.weightDecay).toBe(0);
    expect(decay.params.map((p) => names.get(p))).toEqual(['0.weight', '2.weight']);
    expect(noDecay.params.map((p) => names.get(p))).toEqual([
      '0.bias',
      '1.weight',
      '1.bias',
      '2.bias',
    ]);
    const opt = new AdamW(weightDecayGroups(net, { weightDecay: 0.1 }), { lr: 1e-3 });
    expect(opt.paramGroups.map((g) => g.weightDecay)).toEqual([0.1, 0]);
  });
});
