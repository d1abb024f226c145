import {
  ArgumentError,
  DTypeError,
  fmtShape,
  Generator,
  rand,
  reshape,
  select,
  ShapeError,
  tensor,
  tidy,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { crossEntropy, Embedding, Linear, Module } from '@webgrad/nn';
import { clipGradNorm, dropout } from '@webgrad/regularize';
import { GRU } from './gru.js';
import { linearProjection } from './linear-projection.js';
import { LSTM } from './lstm.js';
import { sampleToken, type SamplingOptions } from './token-sampling.js';
import { detachState } from './truncated-bptt.js';

/** Options of `CharLSTM` and `CharGRU`. */
export interface CharLanguageModelOptions {
  /** Number of token ids V (65 for tiny Shakespeare's characters). */
  vocabSize: number;
  /** Hidden size H of every layer (default 256). */
  hiddenSize?: number;
  /** Stacked recurrent layers (default 2). */
  numLayers?: number;
  /** Size of the token embedding (default hiddenSize). */
  embedDim?: number;
  /** Dropout after every recurrent layer in training mode (default 0). */
  dropout?: number;
}

/** The recurrent state of a language model: h [L, B, H] and, for an LSTM, c [L, B, H]. */
export interface CharLMState {
  /** Hidden states of every layer. */
  h: Tensor;
  /** Cell states of every layer (LSTM), else null. */
  c: Tensor | null;
}

/** What `forward` returns. */
export interface CharLMOutput {
  /** Next-token scores, [B, T, V]. */
  logits: Tensor;
  /** The state after the last step (continue from it with the next chunk). */
  state: CharLMState;
}

/** The part of an optimizer `trainStep` uses. */
export interface StepOptimizer {
  /** Clears the gradients. */
  zeroGrad(): void;
  /** Applies one update from the gradients. */
  step(): void;
}

/** Options of `trainStep`. */
export interface CharLMTrainStepOptions {
  /** The state to start from (stateful training over consecutive chunks); zeros when omitted. */
  state?: CharLMState | null;
  /** Rescale the gradient to this global L2 norm when it is larger (default: no clipping). */
  maxGradNorm?: number;
}

/** Loss and perplexity of a model on a text. */
export interface CharLMEvaluation {
  /** Mean negative log-likelihood −(1/N) Σ log P(x_t | x_<t), in nats per token. */
  loss: number;
  /** exp(loss): the model is as uncertain as a uniform choice among this many tokens. */
  perplexity: number;
  /** loss / ln 2. */
  bitsPerToken: number;
  /** Number of tokens predicted. */
  tokens: number;
}

/** Options of `evaluate`. */
export interface CharLMEvaluateOptions {
  /** Tokens per chunk (default 256). */
  seqLen?: number;
  /** Parallel tracks the text is cut into (default 16); the state is carried along each track. */
  batchSize?: number;
}

/** Options of `generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** Number of tokens to generate. */
  length: number;
  /** Token ids to condition on (at least one, e.g. a BOS id or the start of a text). */
  prompt: readonly number[];
  /** Seed of the sampling stream (default 0); the same seed gives the same text. */
  seed?: number;
  /** A stream to draw from instead of `seed`. */
  generator?: Generator;
  /** Stop after generating this token (e.g. EOS); it is included in the result. */
  stopToken?: number;
}

/**
 * A character-level language model, Embedding → stacked LSTM/GRU → Linear,
 * trained by maximising Σ_t log P(x_t | x_<t), i.e. minimising the mean
 * cross-entropy of every next token (nats per character; perplexity is its
 * exponential). See `CharLSTM` and `CharGRU`.
 */
export class CharLanguageModel extends Module<[Tensor, (CharLMState | null)?], CharLMOutput> {
  /** Token embedding, [V, embedDim]. */
  embedding: Embedding;
  /** The recurrent layers (batch first). */
  rnn: LSTM | GRU;
  /** Output layer: hidden state → next-token logits. */
  head: Linear;
  /** The options, with defaults filled in. */
  readonly options: Required<CharLanguageModelOptions>;

  /** Builds the model with `cell` recurrent layers. */
  constructor(
    /** The recurrent unit. */
    readonly cell: 'lstm' | 'gru',
    options: CharLanguageModelOptions,
  ) {
    super();
    const hiddenSize = options.hiddenSize ?? 256;
    const o: Required<CharLanguageModelOptions> = { hiddenSize, numLayers: 2, embedDim: hiddenSize, dropout: 0, ...options };
    if (!Number.isInteger(o.vocabSize) || o.vocabSize < 1) throw new ArgumentError(this.constructor.name, `vocabSize must be a positive integer, got ${o.vocabSize}`);
    this.options = o;
    this.embedding = new Embedding(o.vocabSize, o.embedDim);
    const rnnOptions = { numLayers: o.numLayers, dropout: o.dropout, batchFirst: true };
    this.rnn = cell === 'lstm' ? new LSTM(o.embedDim, o.hiddenSize, rnnOptions) : new GRU(o.embedDim, o.hiddenSize, rnnOptions);
    this.head = new Linear(o.hiddenSize, o.vocabSize);
  }

  /** Logits of every next token for `tokens` [B, T] (int32), continuing from `state`. */
  forward(tokens: Tensor, state: CharLMState | null = null): CharLMOutput {
    const op = this.constructor.name;
    if (tokens.rank !== 2) throw new ShapeError(op, `expected token ids [B, T], got ${fmtShape(tokens.shape)}`);
    if (tokens.dtype !== 'int32') throw new DTypeError(op, `expected int32 token ids, got ${tokens.dtype}`);
    const run = this.rnn.run(this.embedding.forward(tokens), state?.h ?? null, state?.c ?? null);
    let out = run.output;
    if (this.training && this.options.dropout > 0) out = dropout(out, this.options.dropout);
    return { logits: linearProjection(out, this.head.weight, this.head.bias), state: { h: run.h, c: run.c } };
  }

  /** The mean next-token cross-entropy (nats per token) of `targets` given `inputs` (both [B, T] int32). */
  loss(inputs: Tensor, targets: Tensor, state: CharLMState | null = null): { loss: Tensor; state: CharLMState } {
    if (targets.rank !== 2 || targets.shape[0] !== inputs.shape[0] || targets.shape[1] !== inputs.shape[1]) {
      throw new ShapeError(this.constructor.name, `targets ${fmtShape(targets.shape)} must have the shape of inputs ${fmtShape(inputs.shape)}`);
    }
    const { logits, state: next } = this.forward(inputs, state);
    const V = this.options.vocabSize;
    return { loss: crossEntropy(reshape(logits, [-1, V]), reshape(targets, [-1])), state: next };
  }

  /**
   * One optimisation step on a batch: loss, backward, optional gradient
   * clipping, `optimizer.step()`. Resolves to the loss and the final state,
   * detached, to carry into the next chunk of the same tracks (stateful
   * truncated BPTT with k1 = k2 = T). Intermediate tensors are freed.
   * Asynchronous because the loss is read back from the model's backend
   * (WebGPU included).
   */
  async trainStep(inputs: Tensor, targets: Tensor, optimizer: StepOptimizer, options: CharLMTrainStepOptions = {}): Promise<{ loss: number; state: CharLMState }> {
    const step = tidy(() => {
      const { loss, state } = this.loss(inputs, targets, options.state ?? null);
      optimizer.zeroGrad();
      loss.backward();
      if (options.maxGradNorm !== undefined) clipGradNorm(this.parameters(), options.maxGradNorm);
      optimizer.step();
      return { loss: loss.detach(), state: detachState(state) };
    });
    const loss = await step.loss.itemAsync();
    step.loss.dispose();
    return { loss, state: step.state };
  }

  /**
   * Loss, perplexity and bits per token of the model on `tokens`: the text
   * is cut into `batchSize` tracks read chunk by chunk with the state carried
   * along (every token but each track's first is predicted with its full
   * history in the track), in evaluation mode without gradients.
   */
  async evaluate(tokens: ArrayLike<number>, options: CharLMEvaluateOptions = {}): Promise<CharLMEvaluation> {
    const seqLen = options.seqLen ?? 256;
    const B = options.batchSize ?? 16;
    const track = Math.floor((tokens.length - 1) / B);
    if (track < 1) throw new ArgumentError('evaluate', `${tokens.length} tokens are too few for ${B} tracks`);
    const wasTraining = this.training;
    this.eval();
    let total = 0;
    let count = 0;
    let state: CharLMState | null = null;
    try {
      for (let start = 0; start < track; start += seqLen) {
        const T = Math.min(seqLen, track - start);
        const x = new Int32Array(B * T);
        const y = new Int32Array(B * T);
        for (let b = 0; b < B; b++) {
          for (let t = 0; t < T; t++) {
            x[b * T + t] = tokens[b * track + start + t]!;
            y[b * T + t] = tokens[b * track + start + t + 1]!;
          }
        }
        const prev: CharLMState | null = state;
        const backend = this.head.weight.backend.name;
        const r = tidy(() =>
          noGrad(() => {
            const { logits, state: s } = this.forward(tensor(x, { dtype: 'int32', shape: [B, T], backend }), prev);
            const nll = crossEntropy(reshape(logits, [-1, this.options.vocabSize]), tensor(y, { dtype: 'int32', backend }), { reduction: 'sum' });
            return { sum: nll, state: s };
          }),
        );
        prev?.h.dispose();
        prev?.c?.dispose();
        state = r.state;
        total += await r.sum.itemAsync();
        r.sum.dispose();
        count += B * T;
      }
    } finally {
      state?.h.dispose();
      state?.c?.dispose();
      this.train(wasTraining);
    }
    const loss = total / count;
    return { loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, tokens: count };
  }

  /**
   * Samples `length` tokens after `prompt`: each next token is drawn from
   * the model's distribution (with temperature, top-k and top-p) and fed
   * back. Seeded: the same seed, prompt and options give the same tokens on
   * every backend (the uniform draws come from the CPU's Philox stream).
   * Runs in evaluation mode without gradients; asynchronous because each
   * step's logits are read back from the model's backend.
   */
  async generate(options: GenerateOptions): Promise<number[]> {
    if (options.prompt.length === 0) throw new ArgumentError('generate', 'the prompt needs at least one token (e.g. a BOS id)');
    if (!Number.isInteger(options.length) || options.length < 0) throw new ArgumentError('generate', `length must be a non-negative integer, got ${options.length}`);
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    const backend = this.head.weight.backend.name;
    const wasTraining = this.training;
    this.eval();
    const out: number[] = [];
    let state: CharLMState | null = null;
    try {
      let input = options.prompt;
      for (let i = 0; i < options.length; i++) {
        const prev: CharLMState | null = state;
        const step = tidy(() =>
          noGrad(() => {
            const ids = tensor(Int32Array.from(input), { dtype: 'int32', shape: [1, input.length], backend });
            const { logits, state: s } = this.forward(ids, prev);
            return { last: select(select(logits, 0, 0), 0, logits.shape[1]! - 1), state: s };
          }),
        );
        prev?.h.dispose();
        prev?.c?.dispose();
        state = step.state;
        const last = await step.last.data();
        step.last.dispose();
        const u = rand([], { generator, backend: 'cpu' });
        const token = sampleToken(last, u.item(), options);
        u.dispose();
        out.push(token);
        if (token === options.stopToken) break;
        input = [token];
      }
    } finally {
      state?.h.dispose();
      state?.c?.dispose();
      this.train(wasTraining);
    }
    return out;
  }

  /** `vocab_size=…, hidden_size=…` and the other options. */
  override extraRepr(): string {
    const o = this.options;
    return `vocab_size=${o.vocabSize}, embed_dim=${o.embedDim}, hidden_size=${o.hiddenSize}, num_layers=${o.numLayers}${o.dropout ? `, dropout=${o.dropout}` : ''}`;
  }
}
