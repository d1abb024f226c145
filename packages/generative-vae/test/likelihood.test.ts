import { describe, expect, it } from 'vitest';
import { tensor } from '@webgrad/core-tensor';
import {
  likelihoodMean,
  logLikelihood,
  logMeanExp,
  reconstructionLoss,
} from '@webgrad/generative-vae';

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe('likelihoods p(x | z)', () => {
  const logits = tensor([
    [2, -1, 0.5],
    [0, 3, -4],
  ]);
  const x = tensor([
    [1, 0, 1],
    [0, 1, 0.5],
  ]);

  it('Bernoulli: −Σ_i [x_i log p_i + (1 − x_i) log(1 − p_i)] per example, p = sigmoid(logit)', () => {
    const p = values(logits).map((l) => 1 / (1 + Math.exp(-l)));
    const xs = values(x);
    const byHand = [0, 1].map((n) =>
      [0, 1, 2].reduce(
        (s, i) =>
          s -
          (xs[3 * n + i]! * Math.log(p[3 * n + i]!) +
            (1 - xs[3 * n + i]!) * Math.log(1 - p[3 * n + i]!)),
        0,
      ),
    );
    values(reconstructionLoss(logits, x, 'bernoulli')).forEach((v, n) =>
      expect(v).toBeCloseTo(byHand[n]!, 5),
    );
    values(logLikelihood(logits, x, 'bernoulli')).forEach((v, n) =>
      expect(v).toBeCloseTo(-byHand[n]!, 5),
    );
    values(likelihoodMean(logits, 'bernoulli')).forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 6));
  });

  it('Gaussian: ‖x − μ‖²/(2σ²) as the loss, and log N(x; μ, σ²I) = −that − (D/2)·log 2πσ²', () => {
    const mu = logits;
    const sq = [0, 1].map((n) =>
      [0, 1, 2].reduce((s, i) => s + (values(x)[3 * n + i]! - values(mu)[3 * n + i]!) ** 2, 0),
    );
    values(reconstructionLoss(mu, x, 'gaussian')).forEach((v, n) =>
      expect(v).toBeCloseTo(sq[n]! / 2, 5),
    );
    const sigma = 0.5;
    values(logLikelihood(mu, x, 'gaussian', { decoderStd: sigma })).forEach((v, n) =>
      expect(v).toBeCloseTo(
        -sq[n]! / (2 * sigma * sigma) - 1.5 * Math.log(2 * Math.PI * sigma * sigma),
        4,
      ),
    );
    expect(values(likelihoodMean(mu, 'gaussian'))).toEqual(values(mu));
    expect(() => reconstructionLoss(mu, x, 'gaussian', { decoderStd: 0 })).toThrow(
      'reconstructionLoss: decoderStd must be a positive number, got 0',
    );
    expect(() => likelihoodMean(mu, 'poisson' as 'gaussian')).toThrow(
      "likelihoodMean: likelihood must be 'bernoulli' or 'gaussian', got 'poisson'",
    );
  });

  it('logMeanExp(a) = log((1/k) Σ exp a_i), stable for large a', () => {
    expect(logMeanExp(tensor([Math.log(1), Math.log(3)]), 0).item()).toBeCloseTo(Math.log(2), 6);
    expect(logMeanExp(tensor([1000, 1000]), 0).item()).toBeCloseTo(1000, 3);
    const columns = values(
      logMeanExp(
        tensor([
          [0, 0],
          [Math.log(4), Math.log(2)],
        ]),
        0,
      ),
    );
    columns.forEach((v, j) => expect(v).toBeCloseTo([Math.log(2.5), Math.log(1.5)][j]!, 6));
  });
});
