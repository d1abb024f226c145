import { ArgumentError, type Generator } from '@webgrad/core-tensor';
import { checkDropoutProbability } from '@webgrad/regularize';
import type { TransformerActivation } from './transformer-activation.js';

/** Options of `TransformerEncoderLayer` and `TransformerDecoderLayer` (PyTorch's, in camelCase). */
export interface TransformerLayerOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward network, and on the attention weights (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default 'relu'). */
  activation?: TransformerActivation;
  /** ε of the layer norms (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [batch, length, dModel] (default false: [length, batch, dModel]). */
  batchFirst?: boolean;
  /** Pre-norm: normalise before each sub-layer, x + f(norm(x)) (default false: post-norm, norm(x + f(x))). */
  normFirst?: boolean;
  /** The random stream of every dropout in the layer (default: core-tensor's default generator). */
  generator?: Generator;
}

/** `TransformerLayerOptions` with the defaults filled in. */
export type ResolvedTransformerLayerOptions = Required<Omit<TransformerLayerOptions, 'generator'>> & Pick<TransformerLayerOptions, 'generator'>;

/** Validates the layer sizes and options and fills in PyTorch's defaults. */
export function resolveLayerOptions(op: string, dModel: number, nhead: number, options: TransformerLayerOptions): ResolvedTransformerLayerOptions {
  if (!Number.isInteger(dModel) || dModel < 1) throw new ArgumentError(op, `dModel must be a positive integer, got ${dModel}`);
  if (!Number.isInteger(nhead) || nhead < 1) throw new ArgumentError(op, `nhead must be a positive integer, got ${nhead}`);
  const dimFeedforward = options.dimFeedforward ?? 2048;
  if (!Number.isInteger(dimFeedforward) || dimFeedforward < 1) throw new ArgumentError(op, `dimFeedforward must be a positive integer, got ${dimFeedforward}`);
  const dropout = options.dropout ?? 0.1;
  checkDropoutProbability(op, dropout);
  return {
    dimFeedforward,
    dropout,
    activation: options.activation ?? 'relu',
    layerNormEps: options.layerNormEps ?? 1e-5,
    batchFirst: options.batchFirst ?? false,
    normFirst: options.normFirst ?? false,
    ...(options.generator ? { generator: options.generator } : {}),
  };
}
