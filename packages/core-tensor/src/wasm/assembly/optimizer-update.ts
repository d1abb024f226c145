// The fused optimizer updates of @webgrad/optim (adamUpdate, sgdUpdate; their
// TypeScript kernels are the reference) on float32, four lanes a step. The
// reference rounds every operation to float32 (Math.fround), in the order the
// composed rule applies its tensor ops; each operation here is that one f32
// operation, so the results are the same bits.

/**
 * Adam/AdamW over n floats: g = ±G (+ p·l2 when l2 ≠ 0), w = p·shrink when
 * decoupled, m′ = m·b1 + g·omb1, v′ = v·b2 + g²·omb2, with AMSGrad (vm ≠ 0)
 * s = max(vm, v′) (NaN if either is NaN) else s = v′,
 * p′ = w − (m′ / (√s / bc2Sqrt + eps))·stepSize.
 */
export function adamUpdateF32(
  p: usize, g: usize, m: usize, v: usize, vm: usize,
  po: usize, mo: usize, vo: usize, vmo: usize, n: i32,
  maximize: bool, decoupled: bool,
  b1: f32, b2: f32, omb1: f32, omb2: f32, l2: f32, shrink: f32, eps: f32, bc2Sqrt: f32, stepSize: f32,
): void {
  const B1 = f32x4.splat(b1), B2 = f32x4.splat(b2), O1 = f32x4.splat(omb1), O2 = f32x4.splat(omb2);
  const L2 = f32x4.splat(l2), SH = f32x4.splat(shrink), EPS = f32x4.splat(eps), BC = f32x4.splat(bc2Sqrt), ST = f32x4.splat(stepSize);
  const n4 = n & ~3;
  for (let i = 0; i < n; i += 4) {
    // the tail runs through one-lane loads and stores so it rounds the same way
    const tail = i >= n4;
    const o = <usize>i << 2;
    const pv = tail ? v128.load32_zero(p + o) : v128.load(p + o);
    let gv = tail ? v128.load32_zero(g + o) : v128.load(g + o);
    if (maximize) gv = f32x4.neg(gv);
    if (l2 != 0) gv = f32x4.add(gv, f32x4.mul(pv, L2));
    const w = decoupled ? f32x4.mul(pv, SH) : pv;
    const mv = f32x4.add(f32x4.mul(tail ? v128.load32_zero(m + o) : v128.load(m + o), B1), f32x4.mul(gv, O1));
    const vv = f32x4.add(f32x4.mul(tail ? v128.load32_zero(v + o) : v128.load(v + o), B2), f32x4.mul(f32x4.mul(gv, gv), O2));
    let second = vv;
    if (vm != 0) {
      const prev = tail ? v128.load32_zero(vm + o) : v128.load(vm + o);
      // f32x4.max propagates NaN and orders −0 below +0, as the reference's NaN check and Math.max do
      second = f32x4.max(prev, vv);
      if (tail) v128.store32_lane(vmo + o, second, 0);
      else v128.store(vmo + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), BC), EPS);
    const pn = f32x4.sub(w, f32x4.mul(f32x4.div(mv, denom), ST));
    if (tail) {
      v128.store32_lane(po + o, pn, 0);
      v128.store32_lane(mo + o, mv, 0);
      v128.store32_lane(vo + o, vv, 0);
      i -= 3;
    } else {
      v128.store(po + o, pn);
      v128.store(mo + o, mv);
      v128.store(vo + o, vv);
    }
  }
}

/**
 * SGD over n floats: d = ±G (+ p·wd when wd ≠ 0); with a buffer output
 * (bo ≠ 0) buf′ = b = 0 ? d : b·momentum + d·damp, d = nesterov ? d + buf′·momentum : buf′;
 * p′ = p − d·lr.
 */
export function sgdUpdateF32(
  p: usize, g: usize, b: usize, po: usize, bo: usize, n: i32,
  maximize: bool, nesterov: bool, lr: f32, momentum: f32, damp: f32, wd: f32,
): void {
  const LR = f32x4.splat(lr), MO = f32x4.splat(momentum), DA = f32x4.splat(damp), WD = f32x4.splat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n; i += 4) {
    const tail = i >= n4;
    const o = <usize>i << 2;
    const pv = tail ? v128.load32_zero(p + o) : v128.load(p + o);
    let d = tail ? v128.load32_zero(g + o) : v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (wd != 0) d = f32x4.add(d, f32x4.mul(pv, WD));
    if (bo != 0) {
      const buf = b == 0 ? d : f32x4.add(f32x4.mul(tail ? v128.load32_zero(b + o) : v128.load(b + o), MO), f32x4.mul(d, DA));
      if (tail) v128.store32_lane(bo + o, buf, 0);
      else v128.store(bo + o, buf);
      d = nesterov ? f32x4.add(d, f32x4.mul(buf, MO)) : buf;
    }
    const pn = f32x4.sub(pv, f32x4.mul(d, LR));
    if (tail) {
      v128.store32_lane(po + o, pn, 0);
      i -= 3;
    } else {
      v128.store(po + o, pn);
    }
  }
}
