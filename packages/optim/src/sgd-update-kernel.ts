import { cpuAlloc, cpuData, registerKernel, type KernelTensor } from '@webgrad/core-tensor';

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

/** Identity rounding for float64. */
const exact = (x: number): number => x;

registerKernel('sgdUpdate', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [param, grad, buffer] = inputs as KernelTensor[];
  const R = param!.dtype === 'float32' ? Math.fround : exact;
  const momentum = R(attrs.momentum as number);
  const keepsBuffer = (attrs.momentum as number) !== 0;
  const damp = R(1 - (attrs.dampening as number));
  const wd = R(attrs.weightDecay as number);
  const lr = R(attrs.lr as number);
  const nesterov = attrs.nesterov === true;
  const maximize = attrs.maximize === true;
  const P = cpuData(param!);
  const G = cpuData(grad!);
  const B = buffer === undefined ? null : cpuData(buffer);
  const p2 = cpuAlloc(param!.shape, param!.dtype);
  const b2 = keepsBuffer ? cpuAlloc(param!.shape, param!.dtype) : null;
  const PO = p2.data;
  const BO = b2 === null ? null : b2.data;
  for (let i = 0; i < P.length; i++) {
    const p = P[i]!;
    let d = maximize ? -G[i]! : G[i]!;
    if (wd !== 0) d = R(d + R(p * wd));
    if (BO !== null) {
      const buf = B === null ? d : R(R(B[i]! * momentum) + R(d * damp));
      BO[i] = buf;
      d = nesterov ? R(d + R(buf * momentum)) : buf;
    }
    PO[i] = R(p - R(d * lr));
  }
  return b2 === null ? [p2.out] : [p2.out, b2.out];
});
