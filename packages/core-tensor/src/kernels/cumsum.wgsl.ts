import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel, wgslType } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

const PARAMS = new UniformLayout([
  ['lines', 'u32'],
  ['n', 'u32'],
  ['inner', 'u32'],
]);

// One thread scans one line along the axis (lines = outer · inner), reading
// neighbouring lines' elements side by side when the axis is not the last.
registerGpuKernel('cumsum', (inputs, attrs, be) => {
  const x = inputs[0]!;
  const axis = attrs.axis as number;
  const out = be.output('cumsum', x.shape, x.dtype);
  const rank0 = x.shape.length === 0;
  const outer = rank0 ? 1 : sizeOf(x.shape.slice(0, axis));
  const n = rank0 ? 1 : x.shape[axis]!;
  const inner = rank0 ? 1 : sizeOf(x.shape.slice(axis + 1));
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`cumsum/${t}`, () => ({
    inputs: [t],
    outputs: [t],
    params: PARAMS,
    body: `
  if (i >= P.lines) { return; }
  let base = (i / P.inner) * P.n * P.inner + i % P.inner;
  var acc = ${t}(0);
  for (var k = 0u; k < P.n; k = k + 1u) {
    let p = base + k * P.inner;
    acc = acc + in0[p];
    out0[p] = acc;
  }`,
  }));
  be.dispatch(
    program,
    [x],
    [out],
    PARAMS.pack({ lines: outer * inner, n, inner }),
    linearGroups(outer * inner),
  );
  return [out];
});
