import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf } from '../shape.js';
import { wasmUsable } from '../wasm/wasm-elementwise.js';
import { runWasmUnary } from '../wasm/wasm-unary-call.js';

function softmaxKernel(logOutput: boolean) {
  return (inputs: readonly KernelTensor[], attrs: Readonly<Record<string, unknown>>): KernelTensor[] => {
    const x = inputs[0]!;
    const axis = attrs.axis as number;
    const size = sizeOf(x.shape);
    if (x.dtype === 'float32' && x.shape.length > 0 && axis === x.shape.length - 1 && x.shape[axis]! > 0 && wasmUsable(size)) {
      // contiguous rows on the WebAssembly path: the same double-precision steps (≤ 1 float32 ulp, see assembly/transcendental.ts)
      const n = x.shape[axis]!;
      const fast = runWasmUnary(x, x.shape, size, (k, xp, o) => k.softmaxRowsF32(xp, o, size / n, n, logOutput ? 1 : 0));
      if (fast !== null) return [fast];
    }
    const { out, data } = cpuAlloc(x.shape, x.dtype);
    const X = cpuData(x);
    if (x.shape.length === 0) {
      data[0] = logOutput ? 0 : 1;
      return [out];
    }
    const outer = sizeOf(x.shape.slice(0, axis));
    const n = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let m = -Infinity;
        for (let k = 0; k < n; k++) {
          const v = X[base + k * inner]!;
          if (v > m || v !== v) m = v;
        }
        if (m === -Infinity || m === Infinity) m = m === Infinity ? m : 0;
        let s = 0;
        for (let k = 0; k < n; k++) s += Math.exp(X[base + k * inner]! - m);
        if (logOutput) {
          const ls = Math.log(s) + m;
          for (let k = 0; k < n; k++) data[base + k * inner] = X[base + k * inner]! - ls;
        } else {
          const inv = 1 / s;
          for (let k = 0; k < n; k++) data[base + k * inner] = Math.exp(X[base + k * inner]! - m) * inv;
        }
      }
    }
    return [out];
  };
}

registerKernel('softmax', 'cpu', softmaxKernel(false));
registerKernel('logSoftmax', 'cpu', softmaxKernel(true));
