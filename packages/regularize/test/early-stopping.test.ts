import { describe, expect, it } from 'vitest';
import { tensor } from '@webgrad/core-tensor';
import { Linear } from '@webgrad/nn';
import { EarlyStopping } from '@webgrad/regularize';

/** Feeds `metrics` until the stopper says stop; returns the index it stopped at (or −1). */
const stopsAt = (stopper: EarlyStopping, metrics: number[]): number =>
  metrics.findIndex((m) => stopper.step(m));

describe('EarlyStopping', () => {
  it('stops at the patience-th step in a row without improvement (mode min)', () => {
    const stopper = new EarlyStopping({ patience: 2 });
    expect(stopsAt(stopper, [1.0, 0.8, 0.7, 0.75, 0.71, 0.6])).toBe(4);
    expect(stopper.bestMetric).toBe(0.7);
    expect(stopper.bestStep).toBe(2);
    expect(stopper.stopped).toBe(true);
  });

  it('counts only changes larger than minDelta as improvements, and NaN never', () => {
    const stopper = new EarlyStopping({ patience: 3, minDelta: 0.05 });
    // 0.97 and 0.93 beat 1.0 by less than 0.05; 0.9 beats it by 0.1
    expect(stopsAt(stopper, [1.0, 0.97, 0.9, 0.88, Number.NaN, 0.86])).toBe(5);
    expect(stopper.bestMetric).toBe(0.9);
  });

  it('in mode max watches for increases (an accuracy)', () => {
    const stopper = new EarlyStopping({ patience: 1, mode: 'max' });
    expect(stopsAt(stopper, [0.5, 0.6, 0.7, 0.65])).toBe(3);
    expect(stopper.bestMetric).toBe(0.7);
  });

  it('restores the weights of the best step when it stops', () => {
    const model = new Linear(1, 1);
    const setWeight = (w: number) => model.weight.assign_(tensor([[w]]));
    const stopper = new EarlyStopping({ patience: 2, module: model, restoreBestWeights: true });
    const losses = [3, 2, 2.5, 2.6];
    let stoppedAt = -1;
    losses.forEach((loss, epoch) => {
      if (stoppedAt >= 0) return;
      setWeight(10 + epoch); // the weights of each epoch differ
      if (stopper.step(loss)) stoppedAt = epoch;
    });
    expect(stoppedAt).toBe(3);
    expect(model.weight.item()).toBe(11); // epoch 1, the best loss
  });

  it('saves and restores its counters as JSON', () => {
    const a = new EarlyStopping({ patience: 2 });
    a.step(1);
    a.step(1.5);
    const b = new EarlyStopping({ patience: 2 });
    b.loadState(JSON.parse(JSON.stringify(a.state())));
    expect(b.step(1.2)).toBe(true);
  });

  it('names bad options', () => {
    expect(() => new EarlyStopping({ restoreBestWeights: true })).toThrow(
      'EarlyStopping: restoreBestWeights needs the module whose weights to restore',
    );
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      'EarlyStopping: patience must be a non-negative integer, got -1',
    );
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(
      "EarlyStopping: mode must be 'min' or 'max', got up",
    );
  });
});
