import {
  ArgumentError,
  argmax,
  cast,
  concat,
  DTypeError,
  expand,
  fmtShape,
  fromTypedArray,
  indexSelect,
  logSoftmax,
  permute,
  rand,
  reshape,
  select,
  ShapeError,
  stack,
  tanh,
  tensor,
  tidy,
  zeros,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Embedding, Linear, Module } from '@webgrad/nn';
import { BahdanauAttention, LuongAttention, type LuongScore } from './attention.js';
import { GRU } from './gru.js';
import { linearProjection } from './linear-projection.js';
import { GRUCell } from './gru-cell.js';
import { LSTM } from './lstm.js';
import { LSTMCell } from './lstm-cell.js';
import { hostLengths } from './sequence-mask.js';

/** How the decoder looks at the source: additive (Bahdanau), multiplicative (Luong) or not at all. */
export type Seq2SeqAttention = 'bahdanau' | 'luong' | 'none';

/** Options of `Seq2Seq`. */
export interface Seq2SeqOptions {
  /** Source vocabulary size. */
  srcVocab: number;
  /** Target vocabulary size. */
  tgtVocab: number;
  /** Token embedding size (default 32). */
  embedDim?: number;
  /** Encoder and decoder hidden size H (default 64). */
  hiddenSize?: number;
  /** Recurrent unit of encoder and decoder (default 'gru'). */
  cell?: 'gru' | 'lstm';
  /** Attention (default 'bahdanau'). */
  attention?: Seq2SeqAttention;
  /** Luong's score function (default 'general'). */
  luongScore?: LuongScore;
  /** Bidirectional encoder (default true). */
  bidirectional?: boolean;
  /** The padding token: its embedding stays zero (default 0). */
  padIndex?: number;
}

/** The encoded source sentence(s), read by every decoder step. */
export interface EncodedSource {
  /** Encoder outputs h_i, [B, S, K] (K = 2H when bidirectional). */
  keys: Tensor;
  /** Bahdanau's W_h·h_i + b, computed once; null otherwise. */
  projectedKeys: Tensor | null;
  /** True at real source positions, [B, S]; null when nothing is padded. */
  mask: Tensor | null;
}

/** The decoder's recurrent state. */
export interface DecoderState {
  /** Hidden state s_t, [B, H]. */
  h: Tensor;
  /** LSTM cell state, [B, H], or null. */
  c: Tensor | null;
  /** Luong input feeding: the previous attentional state h̃_{t−1}, [B, H], or null. */
  feed: Tensor | null;
}

/** One decoder step's result. */
export interface DecoderStep {
  /** Scores of the next token, [B, tgtVocab]. */
  logits: Tensor;
  /** The new state. */
  state: DecoderState;
  /** Attention weights over the source, [B, S], or null without attention. */
  weights: Tensor | null;
}

/** Options of `Seq2Seq.forward`. */
export interface Seq2SeqForwardOptions {
  /** Real length of each source sentence (padding after it is masked out of attention and the encoder). */
  srcLengths?: readonly number[] | Int32Array | Tensor;
  /**
   * Probability of feeding the true previous token at each step (default 1,
   * always); otherwise the model's own previous prediction is fed.
   */
  teacherForcingRatio?: number;
  /** Random stream for the teacher-forcing coin flips (default: the global one). */
  generator?: Generator;
}

/** Options of greedy and beam-search decoding. */
export interface DecodeOptions {
  /** Start-of-sequence token fed first. */
  bos: number;
  /** End-of-sequence token: decoding of a sentence stops when it is produced. */
  eos: number;
  /** Most tokens to produce (default 50). */
  maxLength?: number;
  /** Real source lengths (greedy decoding of a padded batch). */
  srcLengths?: readonly number[] | Int32Array | Tensor;
}

/** Options of `beamSearch`. */
export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept at each step (default 5). */
  beamWidth?: number;
  /** Hypotheses are ranked by log P / length^α (default α = 1; 0 ranks by log P). */
  lengthPenalty?: number;
}

/** A finished (or, at maxLength, unfinished) beam-search hypothesis. */
export interface BeamHypothesis {
  /** The tokens, without BOS and EOS. */
  tokens: number[];
  /** log P(tokens, EOS | source). */
  logProb: number;
  /** The ranking score log P / length^α. */
  score: number;
  /** Whether it ended with EOS. */
  finished: boolean;
}

/**
 * An encoder–decoder (Sutskever et al. 2014; Cho et al. 2014) with optional
 * attention. The encoder (bidirectional GRU/LSTM) reads the source into
 * outputs h_1..h_S; the decoder starts from s_0 = tanh(W·h_S) and, at each
 * step, reads the previous target token:
 *
 * - 'bahdanau': c_t = Σ α_ti h_i with α_t = softmax(vᵀtanh(W_s s_{t−1} + W_h h_i)),
 *   s_t = cell([emb(y_{t−1}); c_t], s_{t−1}), logits = W_o[s_t; c_t];
 * - 'luong': s_t = cell([emb(y_{t−1}); h̃_{t−1}], s_{t−1}), α_t from s_tᵀ(W)h_i,
 *   h̃_t = tanh(W_c[c_t; s_t]), logits = W_o h̃_t (input feeding);
 * - 'none': s_t = cell(emb(y_{t−1}), s_{t−1}), logits = W_o s_t.
 *
 * Trained with teacher forcing (a ratio < 1 sometimes feeds its own
 * predictions), decoded greedily or by beam search.
 *
 * @example
 * ```ts
 * const model = new Seq2Seq({ srcVocab: 13, tgtVocab: 13, attention: 'bahdanau' });
 * const { logits } = model.forward(src, tgtIn);        // [B, T, 13]
 * const [best] = await model.beamSearch(src.select(0, 0), { bos: 1, eos: 2 });
 * ```
 */
export class Seq2Seq extends Module<[Tensor, Tensor, Seq2SeqForwardOptions?], { logits: Tensor; attention: Tensor | null }> {
  /** Source token embedding. */
  srcEmbedding: Embedding;
  /** The encoder. */
  encoder: GRU | LSTM;
  /** s_0 = tanh(bridge(h_S)). */
  bridge: Linear;
  /** c_0 = bridgeCell(c_S) for an LSTM, else null. */
  bridgeCell: Linear | null;
  /** Target token embedding. */
  tgtEmbedding: Embedding;
  /** The decoder cell. */
  decoder: GRUCell | LSTMCell;
  /** The attention module, or null. */
  attention: BahdanauAttention | LuongAttention | null;
  /** Luong's W_c, or null. */
  combine: Linear | null;
  /** The output layer W_o. */
  out: Linear;
  /** The options, with defaults filled in. */
  readonly options: Required<Seq2SeqOptions>;

  /** Builds the model. */
  constructor(options: Seq2SeqOptions) {
    super();
    const o: Required<Seq2SeqOptions> = {
      embedDim: 32,
      hiddenSize: 64,
      cell: 'gru',
      attention: 'bahdanau',
      luongScore: 'general',
      bidirectional: true,
      padIndex: 0,
      ...options,
    };
    if (!['bahdanau', 'luong', 'none'].includes(o.attention)) throw new ArgumentError('Seq2Seq', `unknown attention '${o.attention}' (expected 'bahdanau', 'luong' or 'none')`);
    if (o.cell !== 'gru' && o.cell !== 'lstm') throw new ArgumentError('Seq2Seq', `unknown cell '${String(o.cell)}' (expected 'gru' or 'lstm')`);
    this.options = o;
    const H = o.hiddenSize;
    const E = o.embedDim;
    const K = (o.bidirectional ? 2 : 1) * H;
    this.srcEmbedding = new Embedding(o.srcVocab, E, { paddingIdx: o.padIndex });
    const encOpts = { batchFirst: true, bidirectional: o.bidirectional };
    this.encoder = o.cell === 'gru' ? new GRU(E, H, encOpts) : new LSTM(E, H, encOpts);
    this.bridge = new Linear(K, H);
    this.bridgeCell = o.cell === 'lstm' ? new Linear(K, H) : null;
    this.tgtEmbedding = new Embedding(o.tgtVocab, E, { paddingIdx: o.padIndex });
    const decIn = E + (o.attention === 'bahdanau' ? K : o.attention === 'luong' ? H : 0);
    this.decoder = o.cell === 'gru' ? new GRUCell(decIn, H) : new LSTMCell(decIn, H);
    this.attention = o.attention === 'bahdanau' ? new BahdanauAttention(H, K, H) : o.attention === 'luong' ? new LuongAttention(H, K, o.luongScore) : null;
    this.combine = o.attention === 'luong' ? new Linear(K + H, H, { bias: false }) : null;
    this.out = new Linear(o.attention === 'bahdanau' ? H + K : H, o.tgtVocab);
  }

  /** Encodes `src` [B, S] (int32 token ids) into the decoder's view of it and the decoder's initial state. */
  encode(src: Tensor, srcLengths?: readonly number[] | Int32Array | Tensor): { source: EncodedSource; state: DecoderState } {
    checkTokens('Seq2Seq.encode', src, 'src');
    const [B, S] = src.shape as [number, number];
    const seq = srcLengths ? { lengths: srcLengths } : undefined;
    const run = this.encoder.run(this.srcEmbedding.forward(src), null, null, seq);
    // final states [D, B, H] → [B, D·H]: both directions' summaries of the whole sentence
    const last = (t: Tensor): Tensor => reshape(permute(t, [1, 0, 2]), [B, t.shape[0]! * t.shape[2]!]);
    const h = tanh(this.bridge.forward(last(run.h)));
    const c = this.bridgeCell && run.c ? this.bridgeCell.forward(last(run.c)) : null;
    let mask: Tensor | null = null;
    const lengths = srcLengths === undefined ? null : Array.from(hostLengths('Seq2Seq.encode', srcLengths));
    if (lengths && lengths.some((n) => n < S)) {
      const m = new Uint8Array(B * S);
      lengths.forEach((n, b) => m.fill(1, b * S, b * S + n));
      mask = fromTypedArray(m, [B, S], { dtype: 'bool', backend: src.backend.name });
    }
    const projectedKeys = this.attention instanceof BahdanauAttention ? this.attention.projectKeys(run.output) : null;
    const feed = this.options.attention === 'luong' ? zeros([B, this.options.hiddenSize], { dtype: h.dtype, backend: h.backend.name }) : null;
    return { source: { keys: run.output, projectedKeys, mask }, state: { h, c, feed } };
  }

  /**
   * One decoder step from the previous tokens `prev` [B] (int32). (Per-step
   * linear maps go through `linearProjection`, which never copies a weight.)
   */
  step(prev: Tensor, state: DecoderState, source: EncodedSource): DecoderStep {
    const emb = this.tgtEmbedding.forward(prev);
    const cellStep = (input: Tensor): { h: Tensor; c: Tensor | null } => {
      if (this.decoder instanceof LSTMCell) {
        const [h, c] = this.decoder.forward(input, [state.h, state.c!]);
        return { h, c };
      }
      return { h: this.decoder.forward(input, state.h), c: null };
    };
    if (this.attention instanceof BahdanauAttention) {
      const { context, weights } = this.attention.forward(state.h, source.keys, source.mask, source.projectedKeys);
      const s = cellStep(concat([emb, context], 1));
      return { logits: linearProjection(concat([s.h, context], 1), this.out.weight, this.out.bias), state: { ...s, feed: null }, weights };
    }
    if (this.attention instanceof LuongAttention) {
      const s = cellStep(concat([emb, state.feed!], 1));
      const { context, weights } = this.attention.forward(s.h, source.keys, source.mask);
      const attentional = tanh(linearProjection(concat([context, s.h], 1), this.combine!.weight));
      return { logits: linearProjection(attentional, this.out.weight, this.out.bias), state: { ...s, feed: attentional }, weights };
    }
    const s = cellStep(emb);
    return { logits: linearProjection(s.h, this.out.weight, this.out.bias), state: { ...s, feed: null }, weights: null };
  }

  /**
   * Scores every target position: `tgtIn` [B, T] holds BOS followed by the
   * target shifted right (y_0..y_{T−2}); returns logits [B, T, tgtVocab] for
   * y_0..y_{T−1} and the attention weights [B, T, S] (null without attention).
   */
  forward(src: Tensor, tgtIn: Tensor, options: Seq2SeqForwardOptions = {}): { logits: Tensor; attention: Tensor | null } {
    checkTokens('Seq2Seq', tgtIn, 'tgtIn');
    if (tgtIn.shape[0] !== src.shape[0]) throw new ShapeError('Seq2Seq', `src ${fmtShape(src.shape)} and tgtIn ${fmtShape(tgtIn.shape)} have different batch sizes`);
    const ratio = options.teacherForcingRatio ?? 1;
    if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentError('Seq2Seq', `teacherForcingRatio must be in [0, 1], got ${ratio}`);
    const { source, state: s0 } = this.encode(src, options.srcLengths);
    let state = s0;
    const T = tgtIn.shape[1]!;
    const logits: Tensor[] = [];
    const weights: Tensor[] = [];
    let prev = select(tgtIn, 1, 0);
    for (let t = 0; t < T; t++) {
      const r = this.step(prev, state, source);
      logits.push(r.logits);
      if (r.weights) weights.push(r.weights);
      state = r.state;
      if (t + 1 < T) {
        const teacher = ratio >= 1 || rand([], { ...(options.generator ? { generator: options.generator } : {}), backend: 'cpu' }).item() < ratio;
        prev = teacher ? select(tgtIn, 1, t + 1) : noGrad(() => cast(argmax(r.logits, 1), 'int32'));
      }
    }
    return { logits: stack(logits, 1), attention: weights.length ? stack(weights, 1) : null };
  }

  /**
   * Greedy decoding of a batch: feeds back the most likely token until EOS
   * or `maxLength`. Resolves to each sentence's tokens (without BOS/EOS) and,
   * with attention, each sentence's attention rows (one per produced token).
   * Asynchronous: each step's tokens are read back from the model's backend
   * (WebGPU included); every tensor it makes is freed.
   */
  async greedyDecode(src: Tensor, options: DecodeOptions): Promise<{ tokens: number[][]; attention: number[][][] | null }> {
    const maxLength = options.maxLength ?? 50;
    const B = src.shape[0]!;
    const S = src.shape[1]!;
    const start = tidy(() =>
      noGrad(() => ({ ...this.encode(src, options.srcLengths), prev: tensor(new Int32Array(B).fill(options.bos), { dtype: 'int32', backend: src.backend.name }) })),
    );
    const { source } = start;
    let state = start.state;
    let prev = start.prev;
    const tokens: number[][] = Array.from({ length: B }, () => []);
    const attention: number[][][] | null = this.attention ? Array.from({ length: B }, () => []) : null;
    const done = new Array<boolean>(B).fill(false);
    try {
      for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
        const [s0, p0] = [state, prev];
        const r = tidy(() =>
          noGrad(() => {
            const out = this.step(p0, s0, source);
            return { state: out.state, prev: cast(argmax(out.logits, 1), 'int32'), weights: out.weights };
          }),
        );
        disposeState(s0);
        p0.dispose();
        state = r.state;
        prev = r.prev;
        const ids = await prev.data();
        const w = r.weights ? await r.weights.data() : null;
        r.weights?.dispose();
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          if (w) attention![b]!.push(Array.from(w.subarray(b * S, (b + 1) * S)));
          if (ids[b] === options.eos) done[b] = true;
          else tokens[b]!.push(ids[b]!);
        }
      }
    } finally {
      disposeState(state);
      prev.dispose();
      disposeSource(source);
    }
    return { tokens, attention };
  }

  /**
   * Beam search for one source sentence `src` ([S] or [1, S]): keeps the
   * `beamWidth` most probable partial translations, extends each by every
   * token, and ranks finished ones by log P / length^α. Resolves to the
   * hypotheses best first. Asynchronous: each step's log-probabilities are
   * read back from the model's backend; every tensor it makes is freed.
   */
  async beamSearch(src: Tensor, options: BeamSearchOptions): Promise<BeamHypothesis[]> {
    if (!((src.rank === 1) || (src.rank === 2 && src.shape[0] === 1))) throw new ShapeError('Seq2Seq.beamSearch', `expected one source sentence [S] or [1, S], got ${fmtShape(src.shape)}`);
    const K = options.beamWidth ?? 5;
    const alpha = options.lengthPenalty ?? 1;
    const maxLength = options.maxLength ?? 50;
    if (!Number.isInteger(K) || K < 1) throw new ArgumentError('Seq2Seq.beamSearch', `beamWidth must be a positive integer, got ${K}`);
    const backend = src.backend.name;
    // the encoded sentence, repeated for the K beams
    const start = tidy(() =>
      noGrad(() => {
        const enc = this.encode(src.rank === 1 ? reshape(src, [1, src.shape[0]!]) : src);
        const rep = (t: Tensor | null): Tensor | null => (t ? expand(t, [K, ...t.shape.slice(1)]) : null);
        const source: EncodedSource = { keys: rep(enc.source.keys)!, projectedKeys: rep(enc.source.projectedKeys), mask: null };
        const state: DecoderState = { h: rep(enc.state.h)!, c: rep(enc.state.c), feed: rep(enc.state.feed) };
        return { source, state };
      }),
    );
    const { source } = start;
    let state = start.state;
    let beams = Array.from({ length: K }, (_, k) => ({ tokens: [] as number[], logProb: k === 0 ? 0 : -Infinity }));
    const finished: BeamHypothesis[] = [];
    const rank = (logProb: number, length: number): number => logProb / Math.pow(Math.max(length, 1), alpha);
    try {
      for (let t = 0; t < maxLength && beams.length > 0 && finished.length < K; t++) {
        const s0 = state;
        const last = Int32Array.from(beams.map((b) => b.tokens[b.tokens.length - 1] ?? options.bos));
        const r = tidy(() =>
          noGrad(() => {
            const out = this.step(tensor(last, { dtype: 'int32', backend }), s0, source);
            return { logp: logSoftmax(out.logits, 1), state: out.state };
          }),
        );
        const V = r.logp.shape[1]!;
        const logp = await r.logp.data();
        r.logp.dispose();
        const cands: { k: number; v: number; logProb: number }[] = [];
        beams.forEach((b, k) => {
          if (b.logProb === -Infinity) return;
          for (let v = 0; v < V; v++) cands.push({ k, v, logProb: b.logProb + logp[k * V + v]! });
        });
        cands.sort((a, b) => b.logProb - a.logProb);
        const next: { k: number; v: number; logProb: number }[] = [];
        for (const c of cands.slice(0, 2 * K)) {
          if (c.v === options.eos) {
            const tokens = beams[c.k]!.tokens;
            finished.push({ tokens, logProb: c.logProb, score: rank(c.logProb, tokens.length + 1), finished: true });
          } else if (next.length < K) next.push(c);
        }
        disposeState(s0);
        state = r.state;
        if (next.length === 0) break;
        // fewer live beams than slots: pad with dead ones so the batch keeps K rows
        const pad = K - next.length;
        const stepped = state;
        state = tidy(() => {
          const parents = tensor(Int32Array.from(next.map((c) => c.k)), { dtype: 'int32', backend });
          const pick = (x: Tensor | null): Tensor | null => (x ? (pad > 0 ? padRows(indexSelect(x, 0, parents), pad) : indexSelect(x, 0, parents)) : null);
          return { h: pick(stepped.h)!, c: pick(stepped.c), feed: pick(stepped.feed) };
        });
        disposeState(stepped);
        beams = next.map((c) => ({ tokens: [...beams[c.k]!.tokens, c.v], logProb: c.logProb }));
        for (let i = 0; i < pad; i++) beams.push({ tokens: [], logProb: -Infinity });
      }
    } finally {
      disposeState(state);
      disposeSource(source);
    }
    const alive = beams.filter((b) => b.logProb > -Infinity).map((b) => ({ tokens: b.tokens, logProb: b.logProb, score: rank(b.logProb, b.tokens.length), finished: false }));
    return [...finished, ...alive].sort((a, b) => b.score - a.score);
  }
}

function disposeState(s: DecoderState): void {
  s.h.dispose();
  s.c?.dispose();
  s.feed?.dispose();
}

function disposeSource(s: EncodedSource): void {
  s.keys.dispose();
  s.projectedKeys?.dispose();
  s.mask?.dispose();
}

function padRows(x: Tensor | null, n: number): Tensor | null {
  return x ? concat([x, expand(select(x, 0, 0).reshape([1, ...x.shape.slice(1)]), [n, ...x.shape.slice(1)])], 0) : null;
}

function checkTokens(op: string, t: Tensor, name: string): void {
  if (t.rank !== 2) throw new ShapeError(op, `expected ${name} of token ids [B, length], got ${fmtShape(t.shape)}`);
  if (t.dtype !== 'int32') throw new DTypeError(op, `expected ${name} of int32 token ids, got ${t.dtype}`);
}
