import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import type { TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { wasmFold, wasmUnfold } from '../wasm/wasm-im2col.js';
import type { Im2colGeometry } from '../wasm/wasm-module.js';

interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  oh: number;
  ow: number;
}

function geometry(imageShape: readonly number[], attrs: Readonly<Record<string, unknown>>): Geometry {
  const [kh, kw] = attrs.kernel as number[];
  const [dh, dw] = attrs.dilation as number[];
  const [ph, pw] = attrs.padding as number[];
  const [sh, sw] = attrs.stride as number[];
  const [oh, ow] = attrs.outSize as number[];
  return { N: imageShape[0]!, C: imageShape[1]!, H: imageShape[2]!, W: imageShape[3]!, kh: kh!, kw: kw!, dh: dh!, dw: dw!, ph: ph!, pw: pw!, sh: sh!, sw: sw!, oh: oh!, ow: ow! };
}

/**
 * Walks every kernel tap of every window: copies image → columns (im2col,
 * padding taps get `pad`) or, as the adjoint, adds columns → image (col2im).
 */
function forEachTap(g: Geometry, X: TypedArray, out: TypedArray, pad: number, adjoint: boolean): void {
  const L = g.oh * g.ow;
  const rows = g.C * g.kh * g.kw;
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const imgBase = (n * g.C + c) * g.H * g.W;
      for (let ki = 0; ki < g.kh; ki++) {
        for (let kj = 0; kj < g.kw; kj++) {
          const row = (c * g.kh + ki) * g.kw + kj;
          const colBase = (n * rows + row) * L;
          for (let oy = 0; oy < g.oh; oy++) {
            const iy = oy * g.sh - g.ph + ki * g.dh;
            const rowOk = iy >= 0 && iy < g.H;
            const cb = colBase + oy * g.ow;
            for (let ox = 0; ox < g.ow; ox++) {
              const ix = ox * g.sw - g.pw + kj * g.dw;
              if (rowOk && ix >= 0 && ix < g.W) {
                if (adjoint) out[imgBase + iy * g.W + ix]! += X[cb + ox]!;
                else out[cb + ox] = X[imgBase + iy * g.W + ix]!;
              } else if (!adjoint) out[cb + ox] = pad;
            }
          }
        }
      }
    }
  }
}

/** The geometry as the WebAssembly kernels take it. */
function im2colArgs(g: Geometry): Im2colGeometry {
  return [g.N, g.C, g.H, g.W, g.kh, g.kw, g.dh, g.dw, g.ph, g.pw, g.sh, g.sw, g.oh, g.ow];
}

registerKernel('unfold', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const g = geometry(x.shape, attrs);
  const fast = wasmUnfold(x, im2colArgs(g), attrs.padValue as number);
  if (fast !== null) return [fast];
  const { out, data } = cpuAlloc([g.N, g.C * g.kh * g.kw, g.oh * g.ow], x.dtype);
  forEachTap(g, cpuData(x), data, attrs.padValue as number, false);
  return [out];
});

registerKernel('fold', 'cpu', (inputs, attrs): KernelTensor[] => {
  const cols = inputs[0]!;
  const [H, W] = attrs.imageSize as number[];
  const [kh, kw] = attrs.kernel as number[];
  const C = cols.shape[1]! / (kh! * kw!);
  const g = geometry([cols.shape[0]!, C, H!, W!], attrs);
  const fast = wasmFold(cols, im2colArgs(g));
  if (fast !== null) return [fast];
  const { out, data } = cpuAlloc([g.N, C, H!, W!], cols.dtype);
  forEachTap(g, cpuData(cols), data, 0, true);
  return [out];
});
