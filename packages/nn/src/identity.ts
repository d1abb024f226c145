import type { Tensor } from '@webgrad/core-tensor';
import { Module } from './module.js';

/** Returns its input unchanged, PyTorch's `nn.Identity` (a placeholder, e.g. for a removed head). */
export class Identity extends Module<[Tensor], Tensor> {
  /** Returns `x`. */
  forward(x: Tensor): Tensor {
    return x;
  }
}
