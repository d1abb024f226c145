/**
 * The encoder–decoder transformer against the recurrent Seq2Seq with
 * Bahdanau attention (@webgrad/layers-recurrent) on reversing digit strings.
 *
 *   tsx examples/digit-reversal.ts [--budget=60] [--threads=1]
 *
 * Training pairs: 5000 random strings of 1–8 digits and their reversals
 * (digitSeq2Seq); test: 500 unseen strings of 1–8 digits, and 200 strings of
 * 9–10 digits (longer than any seen in training). Both models train with Adam
 * on batches of 64 (teacher forcing, cross-entropy over the target tokens,
 * padding ignored) for the same process CPU time (`--budget` seconds each)
 * and are scored by greedy decoding: the share of strings reversed exactly,
 * checked every ~10 s of CPU. Prints a JSON summary last.
 */
import { configureCpu, indexSelect, manualSeed, narrow, randperm, reshape, tidy, type Tensor } from '@webgrad/core-tensor';
import { crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq, type DigitSeq2Seq } from '@webgrad/data';
import { Seq2Seq } from '@webgrad/layers-recurrent';
import { Seq2SeqTransformer } from '@webgrad/transformer';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const budgetSeconds = Number(arg('budget', '60'));
await configureCpu({ threads: Number(arg('threads', '1')) });
const { pad, bos, eos, size: V } = DIGIT_SEQ_VOCAB;
const train = digitSeq2Seq({ numSequences: 5000, task: 'reverse', minLength: 1, maxLength: 8, seed: 0 });
const test = digitSeq2Seq({ numSequences: 500, task: 'reverse', minLength: 1, maxLength: 8, seed: 1 });
const longer = digitSeq2Seq({ numSequences: 200, task: 'reverse', minLength: 9, maxLength: 10, seed: 2 });

interface Contender {
  name: string;
  params: number;
  /** Logits [N, T, V] for sources and decoder inputs (teacher forcing). */
  logits(src: Tensor, tgtIn: Tensor, srcLengths: Tensor): Tensor;
  /** Greedy decoding of every source row (tokens without BOS/EOS), read back from the model's backend. */
  decode(data: DigitSeq2Seq, maxLen: number): Promise<number[][]>;
  lr: number;
  parameters(): Tensor[];
  train(): void;
  eval(): void;
}

async function exactMatch(c: Contender, data: DigitSeq2Seq, maxLen: number): Promise<number> {
  c.eval();
  const out = await c.decode(data, maxLen);
  c.train();
  const rows = data.source.arraySync() as number[][];
  return out.filter((t, i) => t.join() === rows[i]!.slice(0, rows[i]!.indexOf(eos)).reverse().join()).length / out.length;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function run(c: Contender) {
  const opt = new Adam(c.parameters(), { lr: c.lr });
  const c0 = cpu();
  const w0 = performance.now();
  const curve: { cpuSeconds: number; steps: number; accuracy: number }[] = [];
  let training = 0; // CPU seconds spent training, evaluation excluded
  let steps = 0;
  let mark = 10;
  while (training < budgetSeconds) {
    const t0 = cpu();
    tidy(() => {
      const idx = narrow(randperm(5000), 0, 0, 64);
      const src = indexSelect(train.source, 0, idx);
      const tgt = indexSelect(train.target, 0, idx);
      const T = tgt.shape[1]! - 1;
      const logits = c.logits(src, narrow(tgt, 1, 0, T), indexSelect(train.sourceLengths, 0, idx));
      const loss = crossEntropy(reshape(logits, [-1, V]), reshape(narrow(tgt, 1, 1, T), [-1]), { ignoreIndex: pad });
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
    training += cpu() - t0;
    steps++;
    if (training >= mark || training >= budgetSeconds) {
      const accuracy = await exactMatch(c, test, 10);
      curve.push({ cpuSeconds: Math.round(training), steps, accuracy });
      console.log(`  ${c.name}: ${steps} steps, ${training.toFixed(0)} s cpu, test exact match ${(100 * accuracy).toFixed(1)}%`);
      mark += 10;
      await new Promise((r) => setImmediate(r));
    }
  }
  return {
    name: c.name,
    params: c.params,
    steps,
    trainingCpuSeconds: training,
    wallSeconds: (performance.now() - w0) / 1000,
    totalCpuSeconds: cpu() - c0,
    curve,
    testExactMatch: await exactMatch(c, test, 10),
    longerExactMatch: await exactMatch(c, longer, 12),
  };
}

manualSeed(0);
const transformer = new Seq2SeqTransformer({ srcVocabSize: V, tgtVocabSize: V, dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, dropout: 0, padIdx: pad });
manualSeed(0);
const rnn = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 16, hiddenSize: 48, attention: 'bahdanau', padIndex: pad });
const contenders: Contender[] = [
  {
    name: 'Transformer (2+2 layers, d=32, 4 heads)',
    params: transformer.numParameters(),
    lr: 3e-3,
    logits: (src, tgtIn) => transformer.forward(src, tgtIn),
    decode: (data, maxLen) => transformer.greedyDecode(data.source, { bos, eos, maxLen }),
    parameters: () => transformer.parameters(),
    train: () => transformer.train(),
    eval: () => transformer.eval(),
  },
  {
    name: 'GRU seq2seq + Bahdanau attention (bidirectional encoder, H=48)',
    params: rnn.numParameters(),
    lr: 1e-2,
    logits: (src, tgtIn, srcLengths) => rnn.forward(src, tgtIn, { srcLengths }).logits,
    decode: async (data, maxLen) => (await rnn.greedyDecode(data.source, { bos, eos, maxLength: maxLen, srcLengths: data.sourceLengths })).tokens,
    parameters: () => rnn.parameters(),
    train: () => rnn.train(),
    eval: () => rnn.eval(),
  },
];
console.log(`parameters: ${contenders.map((c) => `${c.name} ${c.params}`).join(', ')}; ${budgetSeconds} s of training CPU each`);
const results = [];
for (const c of contenders) results.push(await run(c));
for (const r of results) {
  console.log(`\n${r.name}: ${r.params} parameters, ${r.steps} steps in ${r.trainingCpuSeconds.toFixed(0)} s CPU`);
  console.log(`  exact match: ${(100 * r.testExactMatch).toFixed(1)}% on 1–8 digits, ${(100 * r.longerExactMatch).toFixed(1)}% on 9–10 digits (never seen)`);
}
console.log(JSON.stringify({ budgetSeconds, results }));
process.exit(0);
