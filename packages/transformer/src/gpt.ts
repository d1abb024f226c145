import {
  ArgumentError,
  DTypeError,
  Generator,
  ShapeError,
  Tensor,
  arange,
  defaultGenerator,
  fmtShape,
  rand,
  reshape,
  select,
  tensor,
  tidy,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Embedding, Linear, Module, ModuleList, crossEntropy, normal_, zeros_ } from '@webgrad/nn';
import { Dropout, LayerNorm } from '@webgrad/regularize';
import { GPTBlock } from './gpt-block.js';
import { KVCache } from './kv-cache.js';
import { RotaryEmbedding } from './rotary-embedding.js';
import { sampleToken, type SamplingOptions } from './sampling.js';

/** The shape of a `GPT` (nanoGPT's `GPTConfig`, in camelCase). */
export interface GPTConfig {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest context (positions 0 … blockSize−1). */
  blockSize: number;
  /** Number of blocks. */
  nLayer: number;
  /** Attention heads per block. */
  nHead: number;
  /** Features of every position (a multiple of nHead). */
  nEmbd: number;
  /** Dropout after the embeddings, on attention weights and after each sub-layer (default 0). */
  dropout?: number;
  /** Biases in the linear layers and layer norms (default true, as GPT-2). */
  bias?: boolean;
  /** Share the token embedding with the output projection, W_out = W_te (default true, as GPT-2). */
  tieWeights?: boolean;
  /** 'learned' absolute positions (GPT-2's `wpe`, the default) or 'rotary' (RoPE in every attention, no `wpe`). */
  positional?: 'learned' | 'rotary';
  /** The random stream of the dropouts. */
  generator?: Generator;
}

/** Options of `GPT.forward`. */
export interface GPTForwardOptions {
  /** Next-token ids [B, T] (int32; −1 is ignored): the loss is their mean cross-entropy. */
  targets?: Tensor | null;
  /** Keys and values of earlier positions; the input continues them and is appended. */
  cache?: KVCache | null;
}

/** What `GPT.forward` returns. */
export interface GPTOutput {
  /** Next-token logits [B, T, vocabSize]. */
  logits: Tensor;
  /** Mean cross-entropy against the targets, or null without targets. */
  loss: Tensor | null;
}

/** Options of `GPT.generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to add to every sequence. */
  maxNewTokens: number;
  /** Reuse the keys and values of earlier positions (default true): each new token costs one position, not a re-run. */
  useCache?: boolean;
  /** The stream the sampling draws from (default: core-tensor's default generator, seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * The body of a `GPT`, nanoGPT's `transformer` ModuleDict as a typed module:
 * token embedding `wte`, position embedding `wpe` (learned positions only),
 * dropout `drop`, blocks `h.0 … h.{nLayer−1}`, final norm `ln_f`.
 */
export class GPTTransformer extends Module<[Tensor], Tensor> {
  /** Token embedding [vocabSize, nEmbd]. */
  wte: Embedding;
  /** Position embedding [blockSize, nEmbd], or null with rotary positions. */
  wpe: Embedding | null;
  /** Dropout after the embeddings. */
  drop: Dropout;
  /** The blocks. */
  h: ModuleList<GPTBlock>;
  /** Final layer norm. */
  ln_f: LayerNorm;

  /** Builds the layers of `config`. */
  constructor(config: Required<Omit<GPTConfig, 'generator'>> & Pick<GPTConfig, 'generator'>, rotary: RotaryEmbedding | null) {
    super();
    const gen = config.generator ? { generator: config.generator } : {};
    this.wte = new Embedding(config.vocabSize, config.nEmbd);
    this.wpe = config.positional === 'learned' ? new Embedding(config.blockSize, config.nEmbd) : null;
    this.drop = new Dropout(config.dropout, gen);
    this.h = new ModuleList(
      Array.from({ length: config.nLayer }, () => new GPTBlock(config.nEmbd, config.nHead, { dropout: config.dropout, bias: config.bias, rotary, ...gen })),
    );
    this.ln_f = new LayerNorm(config.nEmbd, { bias: config.bias });
  }

  /** Not used on its own: `GPT.forward` runs the body with positions and a cache. */
  forward(): never {
    throw new ArgumentError('GPTTransformer', 'call GPT.forward, which supplies positions and the cache');
  }
}

/**
 * A decoder-only transformer language model, GPT-2's architecture with
 * nanoGPT's parameter names (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`,
 * `lm_head.weight`, …): token + position embeddings, `nLayer` pre-norm
 * causal blocks, a final layer norm and an output projection tied to the
 * token embedding. Initialised as GPT-2: N(0, 0.02²) weights, zero biases,
 * residual projections N(0, (0.02/√(2·nLayer))²).
 *
 * @example
 * ```ts
 * const gpt = new GPT({ vocabSize: 65, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 });
 * const { logits, loss } = gpt.forward(inputs, { targets }); // inputs, targets int32 [B, T]
 * gpt.eval();
 * const [text] = await gpt.generate([[0]], { maxNewTokens: 100, temperature: 0.8, topK: 10 });
 * ```
 */
export class GPT extends Module<[Tensor, GPTForwardOptions?], GPTOutput> {
  /** The embeddings, blocks and final norm. */
  transformer: GPTTransformer;
  /** Output projection nEmbd → vocabSize (no bias; shares `transformer.wte.weight` when tied). */
  lm_head: Linear;
  /** The configuration with its defaults filled in. */
  readonly config: Readonly<Required<Omit<GPTConfig, 'generator'>>> & Pick<GPTConfig, 'generator'>;
  private readonly _rotary: RotaryEmbedding | null;

  /** Builds and initialises the model. */
  constructor(config: GPTConfig) {
    super();
    const op = 'GPT';
    for (const key of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
      const v = config[key];
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(op, `${key} must be a positive integer, got ${v}`);
    }
    if (config.nEmbd % config.nHead !== 0) throw new ArgumentError(op, `nEmbd must be a multiple of nHead, got nEmbd ${config.nEmbd} and nHead ${config.nHead}`);
    const positional = config.positional ?? 'learned';
    if (positional !== 'learned' && positional !== 'rotary') throw new ArgumentError(op, `positional must be 'learned' or 'rotary', got '${String(positional)}'`);
    this.config = {
      vocabSize: config.vocabSize,
      blockSize: config.blockSize,
      nLayer: config.nLayer,
      nHead: config.nHead,
      nEmbd: config.nEmbd,
      dropout: config.dropout ?? 0,
      bias: config.bias ?? true,
      tieWeights: config.tieWeights ?? true,
      positional,
      ...(config.generator ? { generator: config.generator } : {}),
    };
    this._rotary = positional === 'rotary' ? new RotaryEmbedding(config.nEmbd / config.nHead) : null;
    this.transformer = new GPTTransformer(this.config, this._rotary);
    this.lm_head = new Linear(config.nEmbd, config.vocabSize, { bias: false });
    if (this.config.tieWeights) this.lm_head.weight = this.transformer.wte.weight;
    this.initWeights();
  }

  /** GPT-2's initialisation (nanoGPT's `_init_weights` and the scaled residual projections). */
  private initWeights(): void {
    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Linear) {
          normal_(m.weight, 0, 0.02);
          if (m.bias) zeros_(m.bias);
        } else if (m instanceof Embedding) {
          normal_(m.weight, 0, 0.02);
        }
      }
      for (const [name, p] of this.namedParameters()) if (name.endsWith('c_proj.weight')) normal_(p, 0, 0.02 / Math.sqrt(2 * this.config.nLayer));
    });
  }

  /**
   * Logits for every position of `idx` [B, T] (int32 token ids) and, with
   * targets, the mean next-token cross-entropy. With a cache the positions
   * continue after the cached ones, and this chunk's keys and values are added
   * to it.
   */
  forward(idx: Tensor, options: GPTForwardOptions = {}): GPTOutput {
    const op = 'GPT';
    if (idx.dtype !== 'int32') throw new DTypeError(op, `token ids must be int32, got ${idx.dtype}`);
    if (idx.rank !== 2) throw new ShapeError(op, `expected token ids [B, T], got ${fmtShape(idx.shape)}`);
    const T = idx.shape[1]!;
    const cache = options.cache ?? null;
    const past = cache ? cache.length : 0;
    if (cache && cache.numLayers !== this.config.nLayer) throw new ArgumentError(op, `the cache has ${cache.numLayers} layers, the model ${this.config.nLayer}`);
    if (past + T > this.config.blockSize) {
      throw new ArgumentError(op, `cannot run ${T} positions after ${past} cached ones: the block size is only ${this.config.blockSize}`);
    }
    const body = this.transformer;
    let x = body.wte.forward(idx);
    if (body.wpe) x = x.add(body.wpe.forward(arange(past, past + T, 1, { dtype: 'int32', backend: idx.backend.name })));
    x = body.drop.forward(x);
    let layer = 0;
    for (const block of body.h) x = block.forward(x, { cache, layer: layer++ });
    const logits = this.lm_head.forward(body.ln_f.forward(x));
    const targets = options.targets ?? null;
    if (!targets) return { logits, loss: null };
    if (targets.rank !== 2 || targets.shape[0] !== idx.shape[0] || targets.shape[1] !== T) {
      throw new ShapeError(op, `expected targets ${fmtShape(idx.shape)} like the inputs, got ${fmtShape(targets.shape)}`);
    }
    const loss = crossEntropy(reshape(logits, [-1, this.config.vocabSize]), reshape(targets, [-1]), { ignoreIndex: -1 });
    return { logits, loss };
  }

  /**
   * Continues each prompt (rows of equal length: token ids as arrays or an
   * int32 tensor [B, T]) by `maxNewTokens` sampled tokens and returns the
   * whole sequences. Each step draws one uniform number per row from the
   * generator and samples with temperature, top-k and top-p (`sampleToken`).
   * With the cache (default), the prompt is run once and each new token is
   * one position per layer. The context is the last `blockSize` tokens, as
   * nanoGPT crops it: once a sequence outgrows it the window slides, every
   * position moves, and the window is re-run (the cache cannot be reused, for
   * learned positions and for exactness), so the result equals
   * recomputation without a cache token for token. Runs without recording
   * gradients, in the model's current mode (call `eval()` to turn dropout off).
   */
  async generate(prompt: readonly (readonly number[])[] | Tensor, options: GenerateOptions): Promise<number[][]> {
    const op = 'GPT.generate';
    const rows = prompt instanceof Tensor ? ((await prompt.array()) as number[][]) : prompt.map((r) => [...r]);
    if (rows.length === 0 || rows[0]!.length === 0 || rows.some((r) => r.length !== rows[0]!.length)) {
      throw new ArgumentError(op, 'prompts must be a non-empty batch of non-empty rows of equal length');
    }
    for (const r of rows) for (const t of r) if (!Number.isInteger(t) || t < 0 || t >= this.config.vocabSize) throw new ArgumentError(op, `token ${t} is not an id of the ${this.config.vocabSize}-token vocabulary`);
    const { maxNewTokens, useCache = true } = options;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new ArgumentError(op, `maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
    const generator = options.generator ?? defaultGenerator;
    const backend = this.lm_head.weight.backend.name;
    const B = rows.length;
    const V = this.config.vocabSize;
    const blockSize = this.config.blockSize;
    const cache = useCache ? new KVCache(this.config.nLayer) : null;
    let pending = 0; // tokens at the end of each row that the cache has not seen
    try {
      for (let step = 0; step < maxNewTokens; step++) {
        const length = rows[0]!.length;
        let start: number;
        if (cache && cache.length > 0 && cache.length + pending <= blockSize) {
          start = length - pending;
        } else {
          cache?.reset();
          start = Math.max(0, length - blockSize);
        }
        const chunk = rows.map((r) => r.slice(start));
        const last = tidy(() =>
          noGrad(() => {
            const idx = tensor(chunk, { dtype: 'int32', backend });
            const { logits } = this.forward(idx, { cache });
            return select(logits, 1, logits.shape[1]! - 1); // [B, V]
          }),
        );
        const values = await last.data();
        last.dispose();
        const uniforms = rand([B], { generator, backend: 'cpu', dtype: 'float64' });
        const u = uniforms.dataSync();
        uniforms.dispose();
        for (let b = 0; b < B; b++) rows[b]!.push(sampleToken(values.subarray(b * V, (b + 1) * V), Number(u[b]), options));
        pending = 1;
      }
    } finally {
      cache?.dispose();
    }
    return rows;
  }

  /** Number of parameters, counting tied weights once; without the position embedding when `nonEmbedding` (nanoGPT's count). */
  numParams(nonEmbedding = true): number {
    const n = this.numParameters();
    return nonEmbedding && this.transformer.wpe ? n - this.transformer.wpe.weight.size : n;
  }
}
