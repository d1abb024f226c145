/**
 * Trains a 2-layer CharLSTM (hidden 256) on tiny Shakespeare until the
 * validation loss drops below a target, printing one JSON line per
 * evaluation: the run documented in docs/recurrent.md.
 *
 *   pnpm --filter @webgrad/layers-recurrent train:shakespeare [--target=1.6] [--hours=12] [--hidden=256] [--layers=2] [--eval-every=200]
 *     [--backend=cpu|webgpu] [--steps=N] [--log-every=25] [--val-chars=N]
 *
 * `--backend=webgpu` trains on the GPU (the same seed draws the same initial
 * weights on both backends, so the two runs follow one loss curve up to
 * float32 rounding); `--steps` stops after N steps with a last evaluation,
 * `--val-chars` evaluates on the first N validation characters only (for
 * bounded runs), `--log-every` sets how often the training loss is printed.
 *
 * Batches are contiguous tracks (char-rnn's layout, `lmStreamBatches`: B = 32
 * tracks, chunks of T = 64) with the LSTM state carried from chunk to chunk:
 * stateful truncated BPTT with k1 = k2 = 64. Adam (lr 2e-3, decayed ×0.5
 * after each epoch from the third), gradients clipped to norm 5. The
 * validation loss is the mean cross-entropy over the last 10% of the text
 * (nats per character), read in 16 tracks with the state carried, every
 * `eval-every` steps; the training loss is printed every 25 steps.
 */
import { CharTokenizer, lmStreamBatches, loadTinyShakespeare, trainValidationSplit } from '@webgrad/data';
import { backendInfo, init, manualSeed, type BackendChoice } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { CharLSTM, type CharLMState } from '@webgrad/layers-recurrent';

const arg = (name: string, dflt: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const target = arg('target', 1.6);
const hours = arg('hours', 12);
const hidden = arg('hidden', 256);
const layers = arg('layers', 2);
const evalEvery = arg('eval-every', 200);
const maxSteps = arg('steps', Infinity);
const logEvery = arg('log-every', 25);
const valChars = arg('val-chars', Infinity);
const backend = (process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'cpu') as BackendChoice;

await init({ backend });

const text = await loadTinyShakespeare();
const tok = CharTokenizer.fromText(text);
const { train, validation } = trainValidationSplit(text);
const trainIds = tok.encode(train);
const valIds = tok.encode(Number.isFinite(valChars) ? validation.slice(0, valChars) : validation);
manualSeed(0);
const model = new CharLSTM({ vocabSize: tok.tokens.length, hiddenSize: hidden, numLayers: layers, embedDim: 64 });
const opt = new Adam(model.parameters(), { lr: 2e-3 });
const t0 = performance.now();
const log = (o: Record<string, unknown>): void => console.log(JSON.stringify({ ...o, minutes: +((performance.now() - t0) / 60000).toFixed(2) }));
const { name, device } = backendInfo();
log({ event: 'start', backend: name, device, vocab: tok.tokens.length, trainChars: trainIds.length, valChars: valIds.length, parameters: model.numParameters(), hidden, layers });
let step = 0;
let recent: number[] = [];
for (let epoch = 0; ; epoch++) {
  if (epoch >= 2) for (const g of opt.paramGroups) g.lr = (g.lr as number) * 0.5;
  let state: CharLMState | null = null;
  for (const { inputs, targets } of lmStreamBatches(trainIds, { seqLen: 64, batchSize: 32 })) {
    const r = await model.trainStep(inputs, targets, opt, { state, maxGradNorm: 5 });
    state = r.state;
    recent.push(r.loss);
    step++;
    if (step % logEvery === 0) log({ event: 'progress', epoch, step, loss: +r.loss.toFixed(4) });
    if (step % evalEvery === 0 || step === maxSteps) {
      const val = await model.evaluate(valIds, { seqLen: 256, batchSize: 16 });
      log({ event: 'eval', epoch, step, trainLoss: +(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4), valLoss: +val.loss.toFixed(4), valPerplexity: +val.perplexity.toFixed(3) });
      recent = [];
      if (val.loss < target) {
        const sample = tok.decode(await model.generate({ prompt: tok.encode('ROMEO:'), length: 300, temperature: 0.8, seed: 1 }));
        log({ event: 'reached', step, valLoss: +val.loss.toFixed(4), sample });
        process.exit(0);
      }
      if (step === maxSteps) {
        log({ event: 'steps', step });
        process.exit(0);
      }
    }
    if (performance.now() - t0 > hours * 3600e3) {
      log({ event: 'timeout', step });
      process.exit(1);
    }
  }
}
