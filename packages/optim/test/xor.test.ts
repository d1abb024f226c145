import { describe, expect, it } from 'vitest';
import { manualSeed, matmul, tensor, tidy, transpose, type Tensor } from '@webgrad/core-tensor';
import { Linear } from '@webgrad/nn';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  LBFGS,
  NAdam,
  Newton,
  QuickProp,
  RMSprop,
  Rprop,
  SGD,
  type Optimizer,
  type OptimizerOptions,
} from '@webgrad/optim';

const X = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const Y = tensor([[0], [1], [1], [0]]);

/** A 2-2-1 network (tanh hidden, sigmoid output) with PyTorch's init from seed 0, and its MSE on XOR. */
function xorNetwork(): { params: Tensor[]; loss: () => Tensor } {
  manualSeed(0);
  const hidden = new Linear(2, 2);
  const out = new Linear(2, 1);
  const forward = () => matmul(matmul(X, transpose(hidden.weight)).add(hidden.bias!).tanh(), transpose(out.weight)).add(out.bias!).sigmoid();
  return { params: [hidden.weight, hidden.bias!, out.weight, out.bias!], loss: () => forward().sub(Y).square().mean() };
}

const TARGET = 0.01;

const FIRST_ORDER: [string, (p: Tensor[]) => Optimizer<OptimizerOptions>][] = [
  ['SGD (momentum)', (p) => new SGD(p, { lr: 2, momentum: 0.9 })],
  ['Adam', (p) => new Adam(p, { lr: 0.1 })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1, weightDecay: 1e-4 })],
  ['NAdam', (p) => new NAdam(p, { lr: 0.1 })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.2 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.5 })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 10 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.05 })],
  ['Rprop', (p) => new Rprop(p, { lr: 0.1 })],
  ['QuickProp', (p) => new QuickProp(p, { lr: 2 })],
];

describe('XOR (2-2-1) is learned by every optimizer', () => {
  for (const [name, make] of FIRST_ORDER) {
    it(`${name}: MSE < ${TARGET} within 150 steps`, () => {
      const { params, loss } = xorNetwork();
      const opt = make(params);
      let value = Infinity;
      for (let k = 0; k < 150 && value >= TARGET; k++) {
        value = tidy(() => {
          opt.zeroGrad();
          const l = loss();
          l.backward();
          opt.step();
          return l.item();
        });
      }
      expect(value).toBeLessThan(TARGET);
    });
  }

  it('LBFGS (strong Wolfe): MSE < 0.01 within 3 steps', () => {
    const { params, loss } = xorNetwork();
    const opt = new LBFGS(params, { lineSearchFn: 'strongWolfe' });
    const closure = () => {
      opt.zeroGrad();
      const l = loss();
      l.backward();
      return l;
    };
    for (let k = 0; k < 3; k++) tidy(() => opt.step(closure));
    expect(tidy(() => loss().item())).toBeLessThan(TARGET);
  });

  it('Newton (damped, backtracking): MSE < 0.01 within 12 steps', () => {
    const { params, loss } = xorNetwork();
    const opt = new Newton(params);
    for (let k = 0; k < 12; k++) tidy(() => opt.step(loss));
    expect(tidy(() => loss().item())).toBeLessThan(TARGET);
  });
});
