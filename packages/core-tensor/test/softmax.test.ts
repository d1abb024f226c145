import { describe, expect, it } from 'vitest';
import { tensor, softmax, logSoftmax, sum, exp, type Tensor } from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase } from './torch-fixtures';

describe('softmax / logSoftmax match torch along any axis', () => {
  const cases: [string, (x: Tensor, axis: number) => Tensor][] = [
    ['softmax_axis-1', softmax],
    ['softmax_axis0', softmax],
    ['log_softmax_axis-1', logSoftmax],
    ['softmax_3d_axis1', softmax],
    ['log_softmax_3d_axis1', logSoftmax],
  ];
  it.each(cases)('%s', (name, op) => {
    const c = opCase(name);
    expectMatches(op(fromFixture(c.inputs.x!), c.attrs.axis), c.out);
  });
});

describe('numerical stability: inputs of ±1000 and beyond', () => {
  it('softmax subtracts the row maximum: no overflow, no NaN', () => {
    const c = opCase('softmax_large');
    const y = softmax(fromFixture(c.inputs.x!));
    expectMatches(y, c.out);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('logSoftmax stays finite where log(softmax) would give −∞', () => {
    const c = opCase('log_softmax_large');
    const y = logSoftmax(fromFixture(c.inputs.x!));
    expectMatches(y, c.out);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('rows sum to one and exp(logSoftmax) = softmax', () => {
    const x = tensor([[3000, -3000, 0], [1, 2, 3]]);
    expect(Array.from(sum(softmax(x), 1).dataSync())).toEqual([1, 1]);
    const a = exp(logSoftmax(x)).dataSync();
    softmax(x).dataSync().forEach((v, i) => expect(a[i]).toBeCloseTo(v, 7));
  });

  it('a row of −∞ with one finite entry puts all mass there; rows with +∞ or only −∞ give NaN like torch', () => {
    expect(softmax(tensor([-Infinity, 0, -Infinity])).arraySync()).toEqual([0, 1, 0]);
    expect(softmax(tensor([Infinity, 0])).arraySync()).toEqual([NaN, NaN]);
    expect(softmax(tensor([-Infinity, -Infinity])).arraySync()).toEqual([NaN, NaN]);
  });

  it('integer input is computed in float32; the axis is validated', () => {
    expect(softmax(tensor([0, 0], { dtype: 'int32' })).arraySync()).toEqual([0.5, 0.5]);
    expect(() => softmax(tensor([1, 2]), 1)).toThrow('softmax: axis 1 is out of range for a tensor of rank 1');
  });
});
