import { describe, expect, it } from 'vitest';
import { tensor, log, sqrt, sub, mul, div } from '@webgrad/core-tensor';
import { detectAnomaly, setAnomalyDetection, isAnomalyDetectionEnabled, AnomalyError, backward } from '@webgrad/autograd';

describe('anomaly mode names the first op that produced NaN or Infinity', () => {
  it('forward: log of a negative number is blamed on log, not on the ops that pass the NaN along', () => {
    const x = tensor([1, -1], { requiresGrad: true });
    let err: unknown;
    try {
      detectAnomaly(() => mul(log(x), 2).add(1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyError);
    expect((err as AnomalyError).op).toBe('log');
    expect((err as Error).message).toBe('log: produced NaN at element 1 of its output [2] from finite inputs ([2] float32)');
  });

  it('division by zero produces Infinity in div', () => {
    expect(() => detectAnomaly(() => div(tensor([1]), tensor([0])))).toThrow('div: produced Infinity at element 0 of its output [1] from finite inputs ([1] float32, [1] float32)');
  });

  it('backward: a non-finite gradient is blamed on the op whose backward made it', () => {
    // √x at 0 is finite, its derivative 1/(2√x) is not
    const x = tensor([0, 4], { requiresGrad: true });
    const y = sqrt(x).sum();
    expect(() => detectAnomaly(() => backward(y))).toThrow('sqrt: backward produced a non-finite gradient for input 0 (shape [2])');
  });

  it('is off by default, restored after detectAnomaly, and quiet on finite values', () => {
    expect(isAnomalyDetectionEnabled()).toBe(false);
    expect(detectAnomaly(() => sub(tensor([3]), 1).item())).toBe(2);
    expect(isAnomalyDetectionEnabled()).toBe(false);
    setAnomalyDetection(true);
    expect(isAnomalyDetectionEnabled()).toBe(true);
    setAnomalyDetection(false);
    expect(log(tensor([-1])).item()).toBeNaN();
  });
});
