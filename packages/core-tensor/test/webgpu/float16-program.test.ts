import { describe, expect, it } from 'vitest';
import { DTypeError } from '@webgrad/core-tensor';
import { halfStorageSource } from '../../src/webgpu/float16-program.js';

// The float16 variant of a kernel is its f32 WGSL with the half bindings
// retyped: reads widened to f32, stores narrowed to f16 (no GPU needed here;
// the conformance suite runs the results).

const SRC = `@group(0) @binding(0) var<storage, read> in0: array<f32>;
@group(0) @binding(1) var<storage, read> in1: array<i32>;
@group(0) @binding(2) var<storage, read_write> out0: array<f32>;
fn main() {
  let x = in0[in1[i] + 1u];
  out0[i] = x * P.a;
  out0[i + 1u] += in0[i];
  if (out0[i] == 0.0) { return; }
}`;

describe('float16 shader variants by element-type substitution', () => {
  it('retypes the half bindings, widens reads, narrows stores (plain and compound), leaves the rest', () => {
    const out = halfStorageSource('test', SRC, [true, false, true]);
    expect(out.startsWith('enable f16;\n')).toBe(true);
    expect(out).toContain('var<storage, read> in0: array<f16>;');
    expect(out).toContain('var<storage, read> in1: array<i32>;');
    expect(out).toContain('var<storage, read_write> out0: array<f16>;');
    expect(out).toContain('let x = f32(in0[in1[i] + 1u]);');
    expect(out).toContain('out0[i] = f16(x * P.a);');
    expect(out).toContain('out0[i + 1u] = f16(f32(out0[i + 1u]) + (f32(in0[i])));');
    expect(out).toContain('if (f32(out0[i]) == 0.0)');
  });

  it('only the flagged bindings change; vec4 bindings widen to vec4<f32>; u32 (raw moves) become f16 untouched', () => {
    const v = '@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;\n@group(0) @binding(1) var<storage, read_write> c: array<u32>;\nfn main() { c[0] = 1u; let q = a[2]; }';
    const out = halfStorageSource('test', v, [true, true]);
    expect(out).toContain('a: array<vec4<f16>>;');
    expect(out).toContain('let q = vec4<f32>(a[2]);');
    expect(out).toContain('c: array<f16>;');
    expect(out).toContain('c[0] = 1u;');
    expect(halfStorageSource('test', SRC, [false, false, true])).toContain('let x = in0[in1[i] + 1u];');
  });

  it('refuses a half binding the kernel keeps as integers or atomics', () => {
    const atomic = '@group(0) @binding(0) var<storage, read_write> out0: array<atomic<u32>>;\nfn main() {}';
    expect(() => halfStorageSource('scatterAdd', atomic, [true])).toThrow(DTypeError);
    expect(() => halfStorageSource('scatterAdd', atomic, [true])).toThrow(/^scatterAdd: has no float16 kernel on webgpu \(its shader keeps 'out0' as array<atomic<u32>>\)/);
  });
});
