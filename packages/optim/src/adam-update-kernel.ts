import { cpuAlloc, cpuData, registerKernel, wasmAdamUpdate, type KernelTensor, type WasmAdamScalars } from '@webgrad/core-tensor';
import { compileRoundedLoop } from './rounded-loop.js';

// The CPU kernel of the fused `adamUpdate` op (Adam and AdamW; the op is defined in
// adam.ts, its WGSL kernel is core-tensor's kernels/adam-update.wgsl.ts).
//
// [param, grad, expAvg, expAvgSq (, maxExpAvgSq)] → [param′, expAvg′, expAvgSq′ (, maxExpAvgSq′)]
//
// Attributes: lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize, and the
// host-side numbers stepSize = lr / (1 − β₁ᵗ) and bc2Sqrt = √(1 − β₂ᵗ).
//
// Every operation rounds to the parameter's dtype (Math.fround for float32), in the order
// the reference rule `adamUpdate.apply` composes its tensor ops, so the fused step gives
// the reference's numbers bit for bit (and PyTorch's per-op float semantics).

const adamLoop = compileRoundedLoop(
  ['P', 'G', 'M', 'V', 'VM', 'PO', 'MO', 'VO', 'VMO'],
  [
    'maximize',
    'decoupled',
    'b1',
    'b2',
    'omb1',
    'omb2',
    'l2',
    'shrink',
    'eps',
    'bc2Sqrt',
    'stepSize',
  ],
  `
  const n = P.length;
  for (let i = 0; i < n; i++) {
    const p = P[i];
    let g = maximize ? -G[i] : G[i];
    if (l2 !== 0) g = R(g + R(p * l2));
    const w = decoupled ? R(p * shrink) : p;
    const m = R(R(M[i] * b1) + R(g * omb1));
    const v = R(R(V[i] * b2) + R(R(g * g) * omb2));
    let second = v;
    if (VMO !== null) {
      const prev = VM[i];
      // maximum propagates NaN, as the tensor op does
      second = prev !== prev || v !== v ? NaN : Math.max(prev, v);
      VMO[i] = second;
    }
    const denom = R(R(R(Math.sqrt(second)) / bc2Sqrt) + eps);
    PO[i] = R(w - R(R(m / denom) * stepSize));
    MO[i] = m;
    VO[i] = v;
  }`,
);

registerKernel('adamUpdate', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [param, grad, expAvg, expAvgSq, maxExpAvgSq] = inputs as KernelTensor[];
  const { shape, dtype } = param!;
  const R = dtype === 'float32' ? Math.fround : (x: number): number => x;
  const amsgrad = attrs.amsgrad === true;
  const decoupled = attrs.decoupled === true;
  const lr = attrs.lr as number;
  const wd = attrs.weightDecay as number;
  const k: WasmAdamScalars = {
    maximize: attrs.maximize === true,
    decoupled,
    b1: R(attrs.beta1 as number),
    b2: R(attrs.beta2 as number),
    omb1: R(1 - (attrs.beta1 as number)),
    omb2: R(1 - (attrs.beta2 as number)),
    l2: decoupled ? 0 : R(wd),
    shrink: R(1 - lr * wd),
    eps: R(attrs.eps as number),
    bc2Sqrt: R(attrs.bc2Sqrt as number),
    stepSize: R(attrs.stepSize as number),
  };
  // float32 on core-tensor's WebAssembly SIMD path: the same float32 operations, four lanes a step
  const fast = dtype === 'float32' ? wasmAdamUpdate(inputs, k) : null;
  if (fast !== null) return fast;
  const outs = [cpuAlloc(shape, dtype), cpuAlloc(shape, dtype), cpuAlloc(shape, dtype)];
  if (amsgrad) outs.push(cpuAlloc(shape, dtype));
  adamLoop(dtype)(
    [
      cpuData(param!),
      cpuData(grad!),
      cpuData(expAvg!),
      cpuData(expAvgSq!),
      amsgrad ? cpuData(maxExpAvgSq!) : null,
      outs[0]!.data,
      outs[1]!.data,
      outs[2]!.data,
      amsgrad ? outs[3]!.data : null,
    ],
    [k.maximize ? 1 : 0, k.decoupled ? 1 : 0, k.b1, k.b2, k.omb1, k.omb2, k.l2, k.shrink, k.eps, k.bc2Sqrt, k.stepSize],
  );
  return outs.map((o) => o.out);
});
