import { ArgumentError } from '@webgrad/core-tensor';

/** GPT-2's pre-tokenization pattern: words are split off (with a leading space) before BPE, so merges never cross them. */
export const GPT2_SPLIT_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Options of `BpeTokenizer.train`. */
export interface BpeTrainOptions {
  /** Size of the final vocabulary: 256 byte tokens + merges + special tokens. */
  vocabSize: number;
  /** Special tokens (e.g. `'<|endoftext|>'`), given the last ids; in `encode` input they become their ids. */
  specialTokens?: readonly string[];
  /** Pre-tokenization regex (Unicode flag); `null` runs BPE over the whole text. Default `GPT2_SPLIT_PATTERN`. */
  pattern?: string | null;
}

/** A `BpeTokenizer` as plain JSON. */
export interface BpeTokenizerJSON {
  /** Format tag. */
  type: 'bpe';
  /** Merges in order: merge i joins tokens [a, b] into token 256 + i. */
  merges: [number, number][];
  /** Special tokens, ids 256 + merges.length onwards. */
  specialTokens: string[];
  /** The pre-tokenization regex, or null. */
  pattern: string | null;
}

/**
 * Byte-level byte-pair encoding (Sennrich et al. 2016, as GPT-2 uses it): the
 * text's UTF-8 bytes are the 256 base tokens, and training repeatedly merges
 * the most frequent adjacent pair into a new token until the vocabulary has
 * the requested size. Ties between equally frequent pairs go to the pair with
 * the smaller ids, so training is deterministic. Every string round-trips:
 * `decode(encode(s)) === s` (for well-formed Unicode).
 *
 * @example
 * ```ts
 * const bpe = BpeTokenizer.train('low lower lowest low low', { vocabSize: 260 });
 * const ids = bpe.encode('lowest');
 * bpe.decode(ids);                 // 'lowest'
 * BpeTokenizer.fromJSON(bpe.toJSON()).encode('lowest'); // the same ids
 * ```
 */
export class BpeTokenizer {
  /** The merges in order: merge i joins [a, b] into token 256 + i. */
  readonly merges: readonly (readonly [number, number])[];
  /** Special tokens, ids 256 + merges.length onwards. */
  readonly specialTokens: readonly string[];
  /** The pre-tokenization regex source, or null. */
  readonly pattern: string | null;
  private readonly ranks = new Map<number, number>();
  private readonly bytes: Uint8Array[] = [];
  private readonly splitter: RegExp | null;
  private readonly specialSplitter: RegExp | null;
  private readonly cache = new Map<string, number[]>();

  private constructor(
    merges: readonly (readonly [number, number])[],
    specialTokens: readonly string[],
    pattern: string | null,
  ) {
    this.merges = Object.freeze(merges.map((m) => Object.freeze([m[0], m[1]] as const)));
    this.specialTokens = Object.freeze(specialTokens.slice());
    this.pattern = pattern;
    for (let i = 0; i < 256; i++) this.bytes.push(Uint8Array.of(i));
    merges.forEach(([a, b], i) => {
      const id = 256 + i;
      if (!(a >= 0 && a < id && b >= 0 && b < id && Number.isInteger(a) && Number.isInteger(b))) {
        throw new ArgumentError(
          'BpeTokenizer',
          `merge ${i} joins [${a}, ${b}], but only tokens below ${id} exist`,
        );
      }
      this.ranks.set(pairKey(a, b), i);
      const joined = new Uint8Array(this.bytes[a]!.length + this.bytes[b]!.length);
      joined.set(this.bytes[a]!);
      joined.set(this.bytes[b]!, this.bytes[a]!.length);
      this.bytes.push(joined);
    });
    if (
      new Set(specialTokens).size !== specialTokens.length ||
      specialTokens.some((s) => s.length === 0)
    ) {
      throw new ArgumentError('BpeTokenizer', 'special tokens must be distinct non-empty strings');
    }
    for (const special of specialTokens) this.bytes.push(new TextEncoder().encode(special));
    this.splitter = pattern === null ? null : new RegExp(pattern, 'gu');
    this.specialSplitter =
      specialTokens.length === 0
        ? null
        : new RegExp(
            `(${[...specialTokens]
              .sort((a, b) => b.length - a.length)
              .map(escapeRegExp)
              .join('|')})`,
            'u',
          );
  }

  /** Learns merges from `text` until the vocabulary has `options.vocabSize` tokens (or no pair is left to merge). */
  static train(text: string, options: BpeTrainOptions): BpeTokenizer {
    const specialTokens = options.specialTokens ?? [];
    const pattern = options.pattern === undefined ? GPT2_SPLIT_PATTERN : options.pattern;
    const { vocabSize } = options;
    if (!Number.isInteger(vocabSize) || vocabSize < 256 + specialTokens.length) {
      throw new ArgumentError(
        'BpeTokenizer.train',
        `vocabSize must be an integer >= 256 + ${specialTokens.length} special tokens, got ${vocabSize}`,
      );
    }
    const pieces = new Map<string, number>();
    for (const part of splitSpecial(text, specialTokens)) {
      if (specialTokens.includes(part)) continue;
      for (const piece of pretokenize(part, pattern))
        pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
    }
    const merges = learnMerges(pieces, vocabSize - 256 - specialTokens.length);
    return new BpeTokenizer(merges, specialTokens, pattern);
  }

  /** Restores a tokenizer saved with `toJSON`. */
  static fromJSON(json: BpeTokenizerJSON): BpeTokenizer {
    if (json.type !== 'bpe' || !Array.isArray(json.merges))
      throw new ArgumentError(
        'BpeTokenizer.fromJSON',
        `not a BPE tokenizer: type ${String(json.type)}`,
      );
    return new BpeTokenizer(json.merges, json.specialTokens ?? [], json.pattern ?? null);
  }

  /** Number of tokens: 256 bytes + merges + special tokens. */
  get vocabSize(): number {
    return 256 + this.merges.length + this.specialTokens.length;
  }

  /** The id of a special token. */
  specialId(token: string): number {
    const i = this.specialTokens.indexOf(token);
    if (i < 0)
      throw new ArgumentError(
        'BpeTokenizer.specialId',
        `'${token}' is not a special token of this tokenizer`,
      );
    return 256 + this.merges.length + i;
  }

  /** The bytes a token stands for (a special token: its UTF-8 text). */
  tokenBytes(id: number): Uint8Array {
    return this.bytes[this.checkId(id, 0, 'BpeTokenizer.tokenBytes')]!.slice();
  }

  /** Token ids of `text`. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const part of splitSpecial(text, this.specialTokens, this.specialSplitter)) {
      if (this.specialTokens.includes(part)) {
        out.push(this.specialId(part));
        continue;
      }
      for (const piece of pretokenize(part, this.pattern, this.splitter))
        out.push(...this.encodePiece(piece));
    }
    return out;
  }

  /** The text of `ids` (bytes joined and decoded as UTF-8). */
  decode(ids: ArrayLike<number>): string {
    let length = 0;
    for (let i = 0; i < ids.length; i++)
      length += this.bytes[this.checkId(ids[i]!, i, 'BpeTokenizer.decode')]!.length;
    const all = new Uint8Array(length);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.bytes[ids[i]!]!;
      all.set(b, at);
      at += b.length;
    }
    return new TextDecoder('utf-8').decode(all);
  }

  /** The tokenizer as plain JSON (what `fromJSON` takes). */
  toJSON(): BpeTokenizerJSON {
    return {
      type: 'bpe',
      merges: this.merges.map(([a, b]) => [a, b]),
      specialTokens: this.specialTokens.slice(),
      pattern: this.pattern,
    };
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    let ids = Array.from(new TextEncoder().encode(piece));
    while (ids.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.ranks.get(pairKey(ids[i]!, ids[i + 1]!));
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      ids = mergePair(ids, this.merges[bestRank]![0], this.merges[bestRank]![1], 256 + bestRank);
    }
    if (this.cache.size < 100_000) this.cache.set(piece, ids);
    return ids;
  }

  private checkId(id: number, position: number, op: string): number {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new ArgumentError(
        op,
        `id ${id} at position ${position} is outside the vocabulary [0, ${this.vocabSize})`,
      );
    }
    return id;
  }
}

// Pair keys pack two ids below 2²⁰ into one number (exact below 2⁵³).
function pairKey(a: number, b: number): number {
  return a * 1048576 + b;
}

function mergePair(ids: readonly number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
      out.push(id);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function splitSpecial(
  text: string,
  specialTokens: readonly string[],
  splitter?: RegExp | null,
): string[] {
  if (specialTokens.length === 0) return [text];
  const re =
    splitter ??
    new RegExp(
      `(${[...specialTokens]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|')})`,
      'u',
    );
  return text.split(re).filter((p) => p.length > 0);
}

function pretokenize(text: string, pattern: string | null, splitter?: RegExp | null): string[] {
  if (pattern === null) return text.length ? [text] : [];
  const re = splitter ?? new RegExp(pattern, 'gu');
  re.lastIndex = 0;
  return text.match(re) ?? [];
}

/**
 * Learns up to `count` merges over the distinct pre-tokens (weighted by how
 * often each occurs), keeping pair counts up to date incrementally: after a
 * merge only the pieces that contained the merged pair are recounted.
 */
function learnMerges(pieces: Map<string, number>, count: number): [number, number][] {
  const encoder = new TextEncoder();
  const seqs: number[][] = [];
  const weights: number[] = [];
  for (const [piece, w] of pieces) {
    seqs.push(Array.from(encoder.encode(piece)));
    weights.push(w);
  }
  const pairCounts = new Map<number, number>();
  const pairPieces = new Map<number, Set<number>>();
  const addPairs = (p: number, sign: 1 | -1): void => {
    const s = seqs[p]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const k = pairKey(s[i]!, s[i + 1]!);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + sign * weights[p]!);
      if (sign > 0) {
        let set = pairPieces.get(k);
        if (!set) pairPieces.set(k, (set = new Set()));
        set.add(p);
      }
    }
  };
  for (let p = 0; p < seqs.length; p++) addPairs(p, 1);
  const merges: [number, number][] = [];
  for (let m = 0; m < count; m++) {
    let bestKey = -1;
    let bestCount = 0;
    for (const [k, c] of pairCounts) {
      if (c > bestCount || (c === bestCount && c > 0 && k < bestKey)) {
        bestKey = k;
        bestCount = c;
      }
    }
    if (bestCount <= 0) break;
    const a = Math.floor(bestKey / 1048576);
    const b = bestKey % 1048576;
    const id = 256 + m;
    merges.push([a, b]);
    for (const p of pairPieces.get(bestKey) ?? []) {
      addPairs(p, -1);
      seqs[p] = mergePair(seqs[p]!, a, b, id);
      addPairs(p, 1);
    }
    pairPieces.delete(bestKey);
    pairCounts.delete(bestKey);
  }
  return merges;
}
