import { cpuAlloc, cpuData, registerKernel, wasmSgdUpdate, type KernelTensor, type WasmSgdScalars } from '@webgrad/core-tensor';
import { compileRoundedLoop } from './rounded-loop.js';

// The CPU kernel of the fused `sgdUpdate` op (the op is defined in sgd.ts, its WGSL kernel
// is core-tensor's kernels/sgd-update.wgsl.ts).
//
// momentum = 0:  [param, grad] → [param′]
// momentum ≠ 0:  [param, grad (, momentumBuffer)] → [param′, momentumBuffer′]
//                (no buffer yet: the first step's buffer is the gradient itself)
//
// Attributes: lr, momentum, dampening, weightDecay, nesterov, maximize.
//
// Every operation rounds to the parameter's dtype (Math.fround for float32), in the order
// the reference rule `sgdUpdate.apply` composes its tensor ops, so the fused step gives
// the reference's numbers bit for bit.

const sgdLoop = compileRoundedLoop(
  ['P', 'G', 'B', 'PO', 'BO'],
  ['maximize', 'nesterov', 'lr', 'momentum', 'damp', 'wd'],
  `
  const n = P.length;
  for (let i = 0; i < n; i++) {
    const p = P[i];
    let d = maximize ? -G[i] : G[i];
    if (wd !== 0) d = R(d + R(p * wd));
    if (BO !== null) {
      const buf = B === null ? d : R(R(B[i] * momentum) + R(d * damp));
      BO[i] = buf;
      d = nesterov ? R(d + R(buf * momentum)) : buf;
    }
    PO[i] = R(p - R(d * lr));
  }`,
);

registerKernel('sgdUpdate', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [param, grad, buffer] = inputs as KernelTensor[];
  const { shape, dtype } = param!;
  const R = dtype === 'float32' ? Math.fround : (x: number): number => x;
  const keepsBuffer = (attrs.momentum as number) !== 0;
  const k: WasmSgdScalars = {
    maximize: attrs.maximize === true,
    nesterov: attrs.nesterov === true,
    lr: R(attrs.lr as number),
    momentum: R(attrs.momentum as number),
    damp: R(1 - (attrs.dampening as number)),
    wd: R(attrs.weightDecay as number),
  };
  // float32 on core-tensor's WebAssembly SIMD path: the same float32 operations, four lanes a step
  const fast = dtype === 'float32' ? wasmSgdUpdate(inputs, k) : null;
  if (fast !== null) return fast;
  const p2 = cpuAlloc(shape, dtype);
  const b2 = keepsBuffer ? cpuAlloc(shape, dtype) : null;
  sgdLoop(dtype)(
    [
      cpuData(param!),
      cpuData(grad!),
      buffer === undefined ? null : cpuData(buffer),
      p2.data,
      b2 === null ? null : b2.data,
    ],
    [k.maximize ? 1 : 0, k.nesterov ? 1 : 0, k.lr, k.momentum, k.damp, k.wd],
  );
  return b2 === null ? [p2.out] : [p2.out, b2.out];
});
