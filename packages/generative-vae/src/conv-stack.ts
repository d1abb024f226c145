import { ArgumentError } from '@webgrad/core-tensor';
import {
  Conv2d,
  ConvTranspose2d,
  Flatten,
  Linear,
  Sequential,
  Unflatten,
  type TensorModule,
} from '@webgrad/nn';
import { activationModule, type Activation } from './mlp-stack.js';

/** Options of `convEncoder` and `convDecoder`. */
export interface ConvStackOptions {
  /** Shape of one image, [C, H, W]; H and W must be divisible by 2^(number of stages). */
  imageShape: readonly [number, number, number];
  /** Channels of each stage, each stage halving (encoder) or doubling (decoder) the resolution, e.g. [16, 32]. */
  channels: readonly number[];
  /** Size of the flat code: the encoder's output, the decoder's input. */
  features: number;
  /** Nonlinearity after every convolution but the decoder's last (default `'relu'`). */
  activation?: Activation;
}

/**
 * A convolutional encoder [N, C, H, W] → [N, features]: per stage a 3×3
 * convolution with stride 2 and padding 1 (halving H and W) and the
 * activation, then Flatten and a Linear layer to `features`.
 *
 * @example
 * ```ts
 * // 1×8×8 digits → 16×4×4 → 32×2×2 → 2·latent (μ and log σ²)
 * const encoder = convEncoder({ imageShape: [1, 8, 8], channels: [16, 32], features: 2 * latent });
 * ```
 */
export function convEncoder(options: ConvStackOptions): Sequential {
  const { c, h, w, stages } = checkConvStack('convEncoder', options);
  const act = options.activation ?? 'relu';
  const layers: TensorModule[] = [];
  let inChannels = c;
  for (const out of options.channels) {
    layers.push(new Conv2d(inChannels, out, 3, { stride: 2, padding: 1 }), activationModule(act));
    inChannels = out;
  }
  const scale = 2 ** stages;
  layers.push(new Flatten(), new Linear(inChannels * (h / scale) * (w / scale), options.features));
  return new Sequential(...layers);
}

/**
 * The mirror of `convEncoder`, [N, features] → [N, C, H, W]: a Linear layer
 * to the smallest feature map and the activation, then per stage (in reverse
 * order) a 4×4 transposed convolution with stride 2 and padding 1 (doubling
 * H and W) and the activation, and a final 3×3 convolution to C channels
 * without activation (logits or means, as the likelihood wants).
 *
 * @example
 * ```ts
 * const decoder = convDecoder({ imageShape: [1, 8, 8], channels: [16, 32], features: latent });
 * ```
 */
export function convDecoder(options: ConvStackOptions): Sequential {
  const { c, h, w, stages } = checkConvStack('convDecoder', options);
  const act = options.activation ?? 'relu';
  const scale = 2 ** stages;
  const channels = options.channels;
  const deepest = channels[stages - 1]!;
  const layers: TensorModule[] = [
    new Linear(options.features, deepest * (h / scale) * (w / scale)),
    activationModule(act),
    new Unflatten(1, [deepest, h / scale, w / scale]),
  ];
  for (let s = stages - 1; s >= 0; s--) {
    const out = s > 0 ? channels[s - 1]! : channels[0]!;
    layers.push(
      new ConvTranspose2d(channels[s]!, out, 4, { stride: 2, padding: 1 }),
      activationModule(act),
    );
  }
  layers.push(new Conv2d(channels[0]!, c, 3, { padding: 1 }));
  return new Sequential(...layers);
}

function checkConvStack(
  op: string,
  options: ConvStackOptions,
): { c: number; h: number; w: number; stages: number } {
  const [c, h, w] = options.imageShape;
  const stages = options.channels.length;
  if (![c, h, w].every((d) => Number.isInteger(d) && d > 0))
    throw new ArgumentError(
      op,
      `imageShape must be three positive integers [C, H, W], got [${options.imageShape.join(', ')}]`,
    );
  if (stages < 1 || !options.channels.every((k) => Number.isInteger(k) && k > 0))
    throw new ArgumentError(
      op,
      `channels must be at least one positive integer, got [${options.channels.join(', ')}]`,
    );
  if (h % 2 ** stages !== 0 || w % 2 ** stages !== 0)
    throw new ArgumentError(
      op,
      `H and W (${h}, ${w}) must be divisible by 2^${stages} for ${stages} stride-2 stages`,
    );
  if (!Number.isInteger(options.features) || options.features < 1)
    throw new ArgumentError(op, `features must be a positive integer, got ${options.features}`);
  return { c, h, w, stages };
}
