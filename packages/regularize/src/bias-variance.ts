import {
  ArgumentError,
  Generator,
  ShapeError,
  fmtShape,
  indexSelect,
  randint,
  tensor,
  type Tensor,
} from '@webgrad/core-tensor';

/** A fitted model: predictions for inputs. */
export type Predictor = (x: Tensor) => Tensor | Promise<Tensor>;

/** Options of `biasVariance`. */
export interface BiasVarianceOptions {
  /** Training inputs, [n, …]; each round fits on a bootstrap resample of its rows. */
  x: Tensor;
  /** Training targets, [n, …]. */
  y: Tensor;
  /** Inputs where the decomposition is measured, [m, …]. */
  xTest: Tensor;
  /** Observed (noisy) targets at `xTest`, [m, …]: gives the expected test error and, with `trueTest`, the noise. */
  yTest?: Tensor;
  /** The noise-free target f(x) at `xTest`, [m, …], when it is known (synthetic data): bias² is then measured against it. */
  trueTest?: Tensor;
  /** The variance σ² of the target noise, when it is known. */
  noiseVariance?: number;
  /** Trains one model of the family on (x, y) and returns its predictor; `round` counts from 0. */
  fit: (x: Tensor, y: Tensor, round: number) => Predictor | Promise<Predictor>;
  /** Number of bootstrap rounds (default 50). */
  rounds?: number;
  /** Seed of the resampling stream (default 0). */
  seed?: number;
}

/** The decomposition E[(y − ŷ)²] = bias² + variance + noise, averaged over the test points. */
export interface BiasVarianceResult {
  /** mean over x of (f(x) − E_D[ŷ_D(x)])²: how far the average model is from the truth. */
  bias2: number;
  /** mean over x of E_D[(ŷ_D(x) − E_D[ŷ_D(x)])²]: how much the model moves with the training set. */
  variance: number;
  /** σ², the irreducible error (NaN when neither `noiseVariance` nor both `yTest` and `trueTest` are given). */
  noise: number;
  /** mean over rounds and x of (y − ŷ_D(x))² when `yTest` is given, else bias² + variance + noise. */
  expectedError: number;
  /** E_D[ŷ_D(x)] at every test output element. */
  meanPrediction: Float64Array;
  /** Rounds run. */
  rounds: number;
}

/**
 * Estimates the bias–variance decomposition of a model family: it fits one
 * model per bootstrap resample D of the training set and measures, at the
 * test inputs, the squared bias of the average prediction, the variance of
 * the predictions across resamples, and the noise, for
 *
 *   E_{D,ε}[(y − ŷ_D(x))²] = (f(x) − E_D ŷ_D(x))² + E_D[(ŷ_D(x) − E_D ŷ_D(x))²] + σ².
 *
 * Simple families (low-degree polynomials) have high bias and low variance;
 * flexible ones (high degree) low bias and high variance. bias² needs the
 * truth: `trueTest` (f at the test inputs), or `yTest` with `noiseVariance`
 * (then bias² = mean (y − E_D ŷ)² − σ²).
 *
 * @example
 * ```ts
 * const result = await biasVariance({ x, y, xTest, trueTest: fTest, noiseVariance: 0.09, fit: fitPolynomial(3), rounds: 100 });
 * result.bias2; result.variance; result.noise;
 * ```
 */
export async function biasVariance(options: BiasVarianceOptions): Promise<BiasVarianceResult> {
  const { x, y, xTest, yTest, trueTest } = options;
  const rounds = options.rounds ?? 50;
  if (!Number.isInteger(rounds) || rounds < 2)
    throw new ArgumentError('biasVariance', `rounds must be an integer >= 2, got ${rounds}`);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      'biasVariance',
      `x and y must have the same number of rows, got x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)}`,
    );
  }
  if (trueTest === undefined && (yTest === undefined || options.noiseVariance === undefined)) {
    throw new ArgumentError(
      'biasVariance',
      'bias² needs the truth: pass trueTest, or yTest together with noiseVariance',
    );
  }
  const truth = trueTest ? await readFloat(trueTest) : null;
  const observed = yTest ? await readFloat(yTest) : null;
  const n = x.shape[0]!;
  const generator = new Generator(options.seed ?? 0);
  const predictions: Float64Array[] = [];
  for (let round = 0; round < rounds; round++) {
    const drawn = randint(0, n, [n], { generator, backend: 'cpu' });
    const idx = tensor(drawn.dataSync() as Int32Array, { shape: [n], backend: x.backend.name });
    const predict = await options.fit(
      indexSelect(x, 0, idx),
      indexSelect(y, 0, idx.backend === y.backend ? idx : idx.to(y.backend.name)),
      round,
    );
    const p = await readFloat(await predict(xTest));
    for (const [name, ref] of [
      ['trueTest', truth],
      ['yTest', observed],
    ] as const) {
      if (ref && ref.length !== p.length)
        throw new ShapeError(
          'biasVariance',
          `predictions have ${p.length} elements but ${name} has ${ref.length}`,
        );
    }
    predictions.push(p);
    drawn.dispose();
    idx.dispose();
  }
  const m = predictions[0]!.length;
  const meanPrediction = new Float64Array(m);
  for (const p of predictions) for (let i = 0; i < m; i++) meanPrediction[i]! += p[i]! / rounds;
  let variance = 0;
  for (const p of predictions)
    for (let i = 0; i < m; i++) variance += (p[i]! - meanPrediction[i]!) ** 2;
  variance /= rounds * m;
  const meanSquare = (a: Float64Array, b: Float64Array): number =>
    a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / m;
  const noise = options.noiseVariance ?? (truth && observed ? meanSquare(observed, truth) : NaN);
  const bias2 = truth
    ? meanSquare(truth, meanPrediction)
    : meanSquare(observed!, meanPrediction) - noise;
  const expectedError = observed
    ? predictions.reduce((s, p) => s + meanSquare(observed, p), 0) / rounds
    : bias2 + variance + noise;
  return { bias2, variance, noise, expectedError, meanPrediction, rounds };
}

async function readFloat(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}
