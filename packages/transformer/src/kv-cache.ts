import { ArgumentError, ShapeError, concat, fmtShape, keep, type Tensor } from '@webgrad/core-tensor';

/** The cached keys and values of one attention layer. */
export interface LayerKeyValues {
  /** Keys of every position so far, [B, H, P, D]. */
  keys: Tensor;
  /** Values of every position so far, [B, H, P, Dv]. */
  values: Tensor;
}

/**
 * The keys and values every attention layer of a decoder has computed for
 * the tokens seen so far. Generation feeds only the new token: each layer
 * projects it to one (k, v) pair, appends it here and attends its query to
 * all cached keys, so a new token costs one position's work per layer, not a
 * re-run over the whole context. The cached tensors are kept out of `tidy`
 * and freed when replaced, by `reset` or by `dispose`.
 *
 * @example
 * ```ts
 * const cache = new KVCache(model.config.nLayer);
 * model.forward(prompt, { cache });  // fills it: cache.length === prompt length
 * model.forward(nextToken, { cache }); // one more position
 * cache.dispose();
 * ```
 */
export class KVCache {
  private readonly entries: (LayerKeyValues | null)[];

  /** An empty cache for `numLayers` attention layers. */
  constructor(readonly numLayers: number) {
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError('KVCache', `numLayers must be a positive integer, got ${numLayers}`);
    this.entries = Array.from({ length: numLayers }, () => null);
  }

  /** Positions cached (those of layer 0; every layer holds the same number after a full forward). */
  get length(): number {
    return this.entries[0]?.keys.shape[2] ?? 0;
  }

  /** The keys and values of `layer`, or null before the first token. */
  get(layer: number): LayerKeyValues | null {
    return this.entries[this.checkLayer(layer)]!;
  }

  /**
   * Appends new keys [B, H, T, D] and values [B, H, T, Dv] to `layer` and
   * returns everything cached for it (past and new, [B, H, P+T, ·]).
   */
  append(layer: number, keys: Tensor, values: Tensor): LayerKeyValues {
    const i = this.checkLayer(layer);
    const old = this.entries[i];
    if (keys.rank !== 4 || values.rank !== 4 || keys.shape[2] !== values.shape[2]) {
      throw new ShapeError('KVCache.append', `expected keys [B, H, T, D] and values [B, H, T, Dv], got ${fmtShape(keys.shape)} and ${fmtShape(values.shape)}`);
    }
    if (old && (old.keys.shape[0] !== keys.shape[0] || old.keys.shape[1] !== keys.shape[1] || old.keys.shape[3] !== keys.shape[3])) {
      throw new ShapeError('KVCache.append', `new keys ${fmtShape(keys.shape)} do not continue the cached ${fmtShape(old.keys.shape)}`);
    }
    const next = {
      keys: keep(old ? concat([old.keys, keys], 2) : keys),
      values: keep(old ? concat([old.values, values], 2) : values),
    };
    this.entries[i] = next;
    if (old) {
      old.keys.dispose();
      old.values.dispose();
    }
    return next;
  }

  /** Empties the cache (frees the tensors). */
  reset(): void {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      e?.keys.dispose();
      e?.values.dispose();
      this.entries[i] = null;
    }
  }

  /** Frees the cached tensors (the same as `reset`). */
  dispose(): void {
    this.reset();
  }

  private checkLayer(layer: number): number {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers) throw new ArgumentError('KVCache', `layer ${layer} is out of range for ${this.numLayers} layers`);
    return layer;
  }
}
