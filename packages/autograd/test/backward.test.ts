import { describe, expect, it } from 'vitest';
import { tensor, mul, sum, exp, argmax, gt, DTypeError, WebgradError } from '@webgrad/core-tensor';
import { backward, gradients } from '@webgrad/autograd';

describe('backward(loss, gradOutput?, options)', () => {
  it('fills .grad of every leaf that requires grad; others stay null', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const c = tensor([4, 5, 6]);
    const loss = sum(mul(w, c));
    backward(loss);
    expect(Array.from(w.grad!.dataSync())).toEqual([4, 5, 6]);
    expect(c.grad).toBeNull();
    expect(loss.isLeaf).toBe(false);
    expect(w.isLeaf).toBe(true);
  });

  it('loss.backward() is the same as backward(loss)', () => {
    const w = tensor([2], { requiresGrad: true });
    w.mul(w).sum().backward();
    expect(w.grad!.item()).toBe(4);
  });

  it('gradOutput weights a non-scalar output (a vector-Jacobian product)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, x); // dy/dx = diag(2x)
    backward(y, tensor([10, 1]));
    expect(Array.from(x.grad!.dataSync())).toEqual([20, 4]);
  });

  it('a non-scalar output without gradOutput, or a gradOutput of the wrong shape, is refused', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => backward(mul(x, 2))).toThrow('backward: grad can be implicitly created only for one-element outputs, got shape [2]; pass gradOutput');
    expect(() => backward(mul(x, 2), tensor([1]))).toThrow('backward: gradOutput shape [1] differs from the output shape [2]');
  });

  it('gradients accumulate across backward calls, in place, as in PyTorch', () => {
    const w = tensor([1, 1], { requiresGrad: true });
    backward(sum(mul(w, 3)));
    const held = w.grad!;
    backward(sum(mul(w, 4)));
    expect(Array.from(w.grad!.dataSync())).toEqual([7, 7]);
    expect(held).toBe(w.grad);
  });

  it('every leaf gets its own gradient handle: disposing one leaves the other intact', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    backward(sum(a.add(b)));
    expect(a.grad).not.toBe(b.grad);
    a.grad!.dispose();
    expect(Array.from(b.grad!.dataSync())).toEqual([1, 1]);
  });

  it('a second backward through the same graph fails unless the first retained it', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = exp(x).sum(); // exp saves its output
    backward(y);
    expect(() => backward(y)).toThrow(WebgradError);
    expect(() => backward(y)).toThrow("backward: trying to backward through the graph a second time (op 'exp'); pass { retainGraph: true } to the first backward");
    // a graph that saved nothing (sum of a leaf) can run again, as in PyTorch
    const s = x.sum();
    backward(s);
    backward(s);
    x.grad = null;
    const z = exp(x).sum();
    backward(z, undefined, { retainGraph: true });
    backward(z);
    expect(x.grad!.item()).toBeCloseTo(2 * Math.exp(2), 4);
  });

  it('a tensor that does not require grad is refused with the reason', () => {
    expect(() => backward(tensor([1]).mul(2).sum())).toThrow('backward: the tensor does not require grad and has no grad_fn');
  });
});

describe('asking for the gradient of an integer or bool result is a clear DTypeError', () => {
  it('argmax: names the op and says why', () => {
    const x = tensor([1, 3, 2], { requiresGrad: true });
    const i = argmax(x);
    expect(() => backward(i)).toThrow(DTypeError);
    expect(() => backward(i)).toThrow("backward: cannot differentiate a int32 tensor of shape []: it is the int32 result of 'argmax', which is not differentiable");
  });

  it('comparisons and their sums', () => {
    const x = tensor([1, -3], { requiresGrad: true });
    expect(() => gradients(gt(x, 0), [x])).toThrow("gradients: cannot differentiate a bool tensor of shape [2]: it is the bool result of 'gt', which is not differentiable");
    expect(() => backward(gt(x, 0).sum())).toThrow(/cannot differentiate a int32 tensor of shape \[\]/);
  });

  it('an int32 input cannot be differentiated with respect to', () => {
    const i = tensor([1], { dtype: 'int32' });
    expect(() => gradients(tensor([1], { requiresGrad: true }).sum(), [i])).toThrow('gradients: cannot differentiate a int32 tensor of shape [1]: int32 tensors have no gradient');
  });
});
