/**
 * GPT against the CharLSTM of @webgrad/layers-recurrent on tiny Shakespeare,
 * at (nearly) equal parameter count and equal training compute.
 *
 *   tsx examples/gpt-vs-charlstm.ts [--budget=180] [--threads=1] [--bpe]
 *
 * Both models see random windows of 64 characters in batches of 32 (lmBatches,
 * the same stream), are trained with Adam (lr 2e-3, gradient norm clipped at 1)
 * for the same process CPU time (`--budget` seconds each; CPU time rather than
 * wall-clock time because the machine may be shared), and are evaluated on the
 * same 64 validation windows of 64 characters, each read from an empty context
 * (zero LSTM state, an empty attention window), in nats per character. With
 * `--bpe`, a third run trains a GPT on byte-pair tokens (a 512-token
 * vocabulary learned from the training text) and is scored in nats per
 * character of the same validation text. Prints a JSON summary last.
 */
import { Generator, configureCpu, manualSeed, tensor, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { clipGradNorm } from '@webgrad/regularize';
import { BpeTokenizer, CharTokenizer, lmBatches, loadTinyShakespeare, trainValidationSplit } from '@webgrad/data';
import { CharLSTM } from '@webgrad/layers-recurrent';
import { GPT } from '@webgrad/transformer';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const budgetSeconds = Number(arg('budget', '180'));
const threads = Number(arg('threads', '1'));
const withBpe = process.argv.includes('--bpe');
const T = 64;
const B = 32;
const EVAL_WINDOWS = 64;

await configureCpu({ threads });
const text = await loadTinyShakespeare();
const { train, validation } = trainValidationSplit(text);
const chars = CharTokenizer.fromText(text);
const trainIds = chars.encode(train);
const valIds = chars.encode(validation);

/** Window starts in the validation text, the same for every model. */
const evalStarts = Array.from({ length: EVAL_WINDOWS }, (_, i) => Math.floor(((i + 0.5) * (valIds.length - T - 1)) / EVAL_WINDOWS));

interface Trainable {
  name: string;
  params: number;
  /** One optimisation step on a batch; returns the loss. */
  step(x: number[][], y: number[][]): number | Promise<number>;
  /** Summed next-token cross-entropy (nats) of targets y given inputs x, without gradients. */
  nll(x: number[][], y: number[][]): number;
  sample(prompt: number[], length: number): Promise<number[]>;
}

interface RunResult {
  name: string;
  params: number;
  steps: number;
  cpuSeconds: number;
  wallSeconds: number;
  tokensPerCpuSecond: number;
  curve: { cpuSeconds: number; trainLoss: number }[];
  valNatsPerChar: number;
  sample: string;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function run(model: Trainable, ids: number[], decode: (ids: number[]) => string, charsPerTokenEval: (x: number[][], y: number[][]) => number, evalWindows: { x: number[][]; y: number[][] }): Promise<RunResult> {
  const c0 = cpuSeconds();
  const w0 = performance.now();
  const curve: RunResult['curve'] = [];
  let ema = 0;
  let steps = 0;
  let nextMark = 15;
  for (const batch of lmBatches(ids, { seqLen: T, batchSize: B, seed: 1, backend: 'cpu' })) {
    const x = batch.inputs.arraySync() as number[][];
    const y = batch.targets.arraySync() as number[][];
    batch.inputs.dispose();
    batch.targets.dispose();
    const loss = await model.step(x, y);
    ema = steps === 0 ? loss : 0.95 * ema + 0.05 * loss;
    steps++;
    const used = cpuSeconds() - c0;
    if (used >= nextMark || used >= budgetSeconds) {
      curve.push({ cpuSeconds: Math.round(used), trainLoss: Number(ema.toFixed(4)) });
      console.log(`  ${model.name}: ${steps} steps, ${used.toFixed(0)} s cpu, train loss (EMA) ${ema.toFixed(3)}`);
      nextMark += 15;
      await new Promise((r) => setImmediate(r));
    }
    if (used >= budgetSeconds) break;
  }
  const cpu = cpuSeconds() - c0;
  const wall = (performance.now() - w0) / 1000;
  const nats = model.nll(evalWindows.x, evalWindows.y);
  const valNatsPerChar = nats / charsPerTokenEval(evalWindows.x, evalWindows.y);
  const sample = decode(await model.sample(ids.slice(0, 1), 200));
  return { name: model.name, params: model.params, steps, cpuSeconds: cpu, wallSeconds: wall, tokensPerCpuSecond: (steps * B * T) / cpu, curve, valNatsPerChar, sample };
}

function gptTrainable(name: string, vocabSize: number): Trainable {
  manualSeed(0);
  const gpt = new GPT({ vocabSize, blockSize: T, nLayer: 4, nHead: 4, nEmbd: 64 });
  const opt = new Adam(gpt.parameters(), { lr: 2e-3 });
  return {
    name,
    params: gpt.numParameters(),
    step(x, y) {
      return tidy(() => {
        opt.zeroGrad();
        const { loss } = gpt.forward(tensor(x, { dtype: 'int32' }), { targets: tensor(y, { dtype: 'int32' }) });
        loss!.backward();
        clipGradNorm(gpt.parameters(), 1);
        opt.step();
        return loss!.item();
      });
    },
    nll(x, y) {
      gpt.eval();
      const s = tidy(() => noGrad(() => crossEntropy(gpt.forward(tensor(x, { dtype: 'int32' })).logits.reshape([-1, vocabSize]), tensor(y, { dtype: 'int32' }).reshape([-1]), { reduction: 'sum' }).item()));
      gpt.train();
      return s;
    },
    async sample(prompt, length) {
      gpt.eval();
      const [out] = await gpt.generate([prompt], { maxNewTokens: length, temperature: 0.8, topK: 20, generator: new Generator(7) });
      return out!;
    },
  };
}

function lstmTrainable(hiddenSize: number): Trainable {
  manualSeed(0);
  const lstm = new CharLSTM({ vocabSize: chars.vocabSize, hiddenSize, numLayers: 2 });
  const opt = new Adam(lstm.parameters(), { lr: 2e-3 });
  return {
    name: `CharLSTM (2 layers, hidden ${hiddenSize})`,
    params: lstm.numParameters(),
    async step(x, y) {
      return (await lstm.trainStep(tensor(x, { dtype: 'int32' }), tensor(y, { dtype: 'int32' }), opt, { maxGradNorm: 1 })).loss;
    },
    nll(x, y) {
      lstm.eval();
      const s = tidy(() => noGrad(() => lstm.loss(tensor(x, { dtype: 'int32' }), tensor(y, { dtype: 'int32' })).loss.item() * x.length * x[0]!.length));
      lstm.train();
      return s;
    },
    async sample(prompt, length) {
      return [...prompt, ...(await lstm.generate({ prompt, length, temperature: 0.8, topK: 20, seed: 7 }))];
    },
  };
}

const charWindows = { x: evalStarts.map((s) => valIds.slice(s, s + T)), y: evalStarts.map((s) => valIds.slice(s + 1, s + T + 1)) };
const perChar = (x: number[][]): number => x.length * x[0]!.length;
const decodeChars = (ids: number[]): string => chars.decode(ids);

const gptChar = gptTrainable('GPT (4 layers, 4 heads, d=64, context 64), characters', chars.vocabSize);
// the LSTM hidden size whose parameter count is closest to the GPT's
let best = 16;
for (let h = 16; h <= 256; h++) {
  const n = 16 * h * h + 16 * h + 2 * chars.vocabSize * h + chars.vocabSize; // 2 layers, embedDim = h
  const m = 16 * best * best + 16 * best + 2 * chars.vocabSize * best + chars.vocabSize;
  if (Math.abs(n - gptChar.params) < Math.abs(m - gptChar.params)) best = h;
}
const lstm = lstmTrainable(best);
console.log(`parameters: GPT ${gptChar.params}, CharLSTM ${lstm.params}; budget ${budgetSeconds} s of CPU each, ${threads} thread(s)`);
const results: RunResult[] = [];
results.push(await run(gptChar, trainIds, decodeChars, perChar, charWindows));
results.push(await run(lstm, trainIds, decodeChars, perChar, charWindows));

if (withBpe) {
  const bpe = BpeTokenizer.train(train, { vocabSize: 512 });
  const trainBpe = bpe.encode(train);
  const valBpe = bpe.encode(validation);
  // windows of the BPE stream scored per character of the text their targets decode to
  const starts = Array.from({ length: EVAL_WINDOWS }, (_, i) => Math.floor(((i + 0.5) * (valBpe.length - T - 1)) / EVAL_WINDOWS));
  const windows = { x: starts.map((s) => valBpe.slice(s, s + T)), y: starts.map((s) => valBpe.slice(s + 1, s + T + 1)) };
  const charsOf = (_x: number[][], y: number[][]): number => y.reduce((n, row) => n + bpe.decode(row).length, 0);
  console.log(`BPE: ${trainBpe.length} training tokens (${(train.length / trainBpe.length).toFixed(2)} characters per token)`);
  results.push(await run(gptTrainable('GPT (4 layers, 4 heads, d=64, context 64), 512 BPE tokens', bpe.vocabSize), trainBpe, (ids) => bpe.decode(ids), charsOf, windows));
}

for (const r of results) {
  console.log(`\n${r.name}: ${r.params} parameters, ${r.steps} steps in ${r.cpuSeconds.toFixed(0)} s CPU (${r.wallSeconds.toFixed(0)} s wall), ${r.tokensPerCpuSecond.toFixed(0)} tokens per CPU second`);
  console.log(`  validation: ${r.valNatsPerChar.toFixed(3)} nats/char (${(r.valNatsPerChar / Math.LN2).toFixed(3)} bits/char)`);
  console.log(`  sample: ${JSON.stringify(r.sample.slice(0, 200))}`);
}
console.log(JSON.stringify({ budgetSeconds, threads, batch: B, context: T, results }));
process.exit(0);
