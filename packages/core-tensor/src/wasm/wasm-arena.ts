import type { WasmHeap } from './wasm-heap.js';
import { ScratchExhausted } from './wasm-operands.js';

/**
 * Scratch space for one kernel call, taken from the heap and given back by
 * `release` when the call ends: packed panels, edge tiles, and copies of
 * inputs that are not already in the kernels' memory.
 */
export class WasmArena {
  private readonly blocks: number[] = [];

  constructor(readonly heap: WasmHeap) {}

  /** Reserves `floats` 4-byte elements; returns the byte address (throws ScratchExhausted at the heap's limit). */
  reserve(floats: number): number {
    const bytes = Math.max(floats * 4, 4);
    const ptr = this.heap.alloc(bytes);
    if (ptr < 0) throw new ScratchExhausted(`webgrad wasm: cannot reserve ${bytes} bytes of kernel scratch`);
    this.blocks.push(ptr, bytes);
    return ptr;
  }

  /** Copies `src` into newly reserved space; returns its byte address. */
  put(src: Float32Array): number {
    const ptr = this.reserve(src.length);
    this.heap.f32().set(src, ptr >> 2);
    return ptr;
  }

  /** Gives every block reserved since the last release back to the heap. */
  release(): void {
    for (let i = 0; i < this.blocks.length; i += 2) this.heap.free(this.blocks[i]!, this.blocks[i + 1]!);
    this.blocks.length = 0;
  }
}
