import { cpuAlloc, cpuData, registerKernel, type KernelTensor } from '@webgrad/core-tensor';

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

/** Identity rounding for float64. */
const exact = (x: number): number => x;

registerKernel('adamUpdate', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [param, grad, expAvg, expAvgSq, maxExpAvgSq] = inputs as KernelTensor[];
  const R = param!.dtype === 'float32' ? Math.fround : exact;
  const amsgrad = attrs.amsgrad === true;
  const decoupled = attrs.decoupled === true;
  const maximize = attrs.maximize === true;
  const lr = attrs.lr as number;
  const wd = attrs.weightDecay as number;
  const b1 = R(attrs.beta1 as number);
  const b2 = R(attrs.beta2 as number);
  const oneMinusB1 = R(1 - (attrs.beta1 as number));
  const oneMinusB2 = R(1 - (attrs.beta2 as number));
  const l2 = decoupled ? 0 : R(wd);
  const shrink = R(1 - lr * wd);
  const eps = R(attrs.eps as number);
  const bc2Sqrt = R(attrs.bc2Sqrt as number);
  const stepSize = R(attrs.stepSize as number);
  const P = cpuData(param!);
  const G = cpuData(grad!);
  const M = cpuData(expAvg!);
  const V = cpuData(expAvgSq!);
  const VM = amsgrad ? cpuData(maxExpAvgSq!) : null;
  const p2 = cpuAlloc(param!.shape, param!.dtype);
  const m2 = cpuAlloc(param!.shape, param!.dtype);
  const v2 = cpuAlloc(param!.shape, param!.dtype);
  const vm2 = amsgrad ? cpuAlloc(param!.shape, param!.dtype) : null;
  const PO = p2.data;
  const MO = m2.data;
  const VO = v2.data;
  const VMO = vm2 === null ? null : vm2.data;
  for (let i = 0; i < P.length; i++) {
    const p = P[i]!;
    let g = maximize ? -G[i]! : G[i]!;
    if (l2 !== 0) g = R(g + R(p * l2));
    const w = decoupled ? R(p * shrink) : p;
    const m = R(R(M[i]! * b1) + R(g * oneMinusB1));
    const v = R(R(V[i]! * b2) + R(R(g * g) * oneMinusB2));
    let second = v;
    if (VMO !== null) {
      const prev = VM![i]!;
      // maximum propagates NaN, as the tensor op does
      second = Number.isNaN(prev) || Number.isNaN(v) ? NaN : Math.max(prev, v);
      VMO[i] = second;
    }
    const denom = R(R(R(Math.sqrt(second)) / bc2Sqrt) + eps);
    PO[i] = R(w - R(R(m / denom) * stepSize));
    MO[i] = m;
    VO[i] = v;
  }
  return vm2 === null ? [p2.out, m2.out, v2.out] : [p2.out, m2.out, v2.out, vm2.out];
});
