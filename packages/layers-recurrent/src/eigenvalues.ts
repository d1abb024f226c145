import { ArgumentError, WebgradError } from '@webgrad/core-tensor';

/** A square matrix on the host: n rows of n numbers, or a row-major array with its size. */
export type HostMatrix = readonly (readonly number[])[] | { readonly n: number; readonly data: ArrayLike<number> };

/** A complex eigenvalue re + i·im. */
export interface Eigenvalue {
  /** Real part. */
  re: number;
  /** Imaginary part (complex eigenvalues of a real matrix come in conjugate pairs). */
  im: number;
}

/**
 * All eigenvalues of a real square matrix, by reduction to upper Hessenberg
 * form (Gaussian elimination with pivoting) and the shifted QR algorithm
 * with Francis double steps (the classic `elmhes` + `hqr`), in float64 on
 * the host. Meant for the small matrices of recurrent diagnostics (n up to a
 * few hundred).
 *
 * @example
 * ```ts
 * eigenvalues([[0, -1], [1, 0]]); // a rotation: [{ re: 0, im: 1 }, { re: 0, im: -1 }]
 * ```
 */
export function eigenvalues(matrix: HostMatrix): Eigenvalue[] {
  const a = toRows(matrix);
  const n = a.length;
  if (n === 0) return [];
  for (const row of a) for (const v of row) if (!Number.isFinite(v)) throw new ArgumentError('eigenvalues', 'the matrix has non-finite entries');
  toHessenberg(a);
  return hessenbergEigenvalues(a);
}

/** ρ(A) = max |λ|: whether repeated multiplication by A grows (ρ > 1) or shrinks (ρ < 1) vectors in the long run. */
export function spectralRadius(matrix: HostMatrix): number {
  return eigenvalues(matrix).reduce((m, e) => Math.max(m, Math.hypot(e.re, e.im)), 0);
}

/** ‖A‖₂ = σ_max(A) = √λ_max(AᵀA): the most A can stretch any vector. */
export function spectralNorm(matrix: HostMatrix): number {
  const a = toRows(matrix);
  const n = a.length;
  const ata: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[k]![i]! * a[k]![j]!;
      ata[i]![j] = s;
      ata[j]![i] = s;
    }
  }
  // AᵀA is symmetric positive semi-definite: its eigenvalues are real and ≥ 0 up to rounding
  return Math.sqrt(Math.max(0, ...eigenvalues(ata).map((e) => e.re)));
}

function toRows(m: HostMatrix): number[][] {
  if (Array.isArray(m)) {
    const rows = (m as readonly (readonly number[])[]).map((r) => Array.from(r));
    if (rows.some((r) => r.length !== rows.length)) throw new ArgumentError('eigenvalues', `expected a square matrix, got ${rows.length} rows of lengths ${rows.map((r) => r.length).join(', ')}`);
    return rows;
  }
  const { n, data } = m as { n: number; data: ArrayLike<number> };
  if (data.length !== n * n) throw new ArgumentError('eigenvalues', `a ${n}×${n} matrix needs ${n * n} entries, got ${data.length}`);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => data[i * n + j]!));
}

/** Similarity transform to upper Hessenberg form in place (entries below the subdiagonal become 0). */
function toHessenberg(a: number[][]): void {
  const n = a.length;
  for (let m = 1; m < n - 1; m++) {
    let x = 0;
    let piv = m;
    for (let j = m; j < n; j++) {
      if (Math.abs(a[j]![m - 1]!) > Math.abs(x)) {
        x = a[j]![m - 1]!;
        piv = j;
      }
    }
    if (piv !== m) {
      for (let j = m - 1; j < n; j++) [a[piv]![j], a[m]![j]] = [a[m]![j]!, a[piv]![j]!];
      for (let j = 0; j < n; j++) [a[j]![piv], a[j]![m]] = [a[j]![m]!, a[j]![piv]!];
    }
    if (x === 0) continue;
    for (let i = m + 1; i < n; i++) {
      let y = a[i]![m - 1]!;
      if (y === 0) continue;
      y /= x;
      a[i]![m - 1] = 0;
      for (let j = m; j < n; j++) a[i]![j]! -= y * a[m]![j]!;
      for (let j = 0; j < n; j++) a[j]![m]! += y * a[j]![i]!;
    }
  }
}

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Eigenvalues of an upper Hessenberg matrix by the double-shift QR algorithm (destroys `a`). */
function hessenbergEigenvalues(a: number[][]): Eigenvalue[] {
  const n = a.length;
  const wr = new Array<number>(n).fill(0);
  const wi = new Array<number>(n).fill(0);
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(a[i]![j]!);
  let nn = n - 1;
  let t = 0;
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 1; l--) {
        s = Math.abs(a[l - 1]![l - 1]!) + Math.abs(a[l]![l]!);
        if (s === 0) s = anorm;
        if (Math.abs(a[l]![l - 1]!) + s === s) {
          a[l]![l - 1] = 0;
          break;
        }
      }
      x = a[nn]![nn]!;
      if (l === nn) {
        // one eigenvalue split off
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = a[nn - 1]![nn - 1]!;
        w = a[nn]![nn - 1]! * a[nn - 1]![nn]!;
        if (l === nn - 1) {
          // a 2×2 block split off: a real pair or a complex conjugate pair
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -z;
            wi[nn] = z;
          }
          nn -= 2;
        } else {
          if (its === 60) throw new WebgradError('eigenvalues', 'the QR iteration did not converge');
          if (its === 10 || its === 20 || its === 40) {
            // exceptional shift against cycling
            t += x;
            for (let i = 0; i <= nn; i++) a[i]![i]! -= x;
            s = Math.abs(a[nn]![nn - 1]!) + Math.abs(a[nn - 1]![nn - 2]!);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m]![m]!;
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1]![m]! + a[m]![m + 1]!;
            q = a[m + 1]![m + 1]! - z - r - s;
            r = a[m + 2]![m + 1]!;
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m]![m - 1]!) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1]![m - 1]!) + Math.abs(z) + Math.abs(a[m + 1]![m + 1]!));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i]![i - 2] = 0;
            if (i !== m + 2) a[i]![i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k]![k - 1]!;
              q = a[k + 1]![k - 1]!;
              r = k !== nn - 1 ? a[k + 2]![k - 1]! : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) a[k]![k - 1] = -a[k]![k - 1]!;
            } else {
              a[k]![k - 1] = -s * x;
            }
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            for (let j = k; j <= nn; j++) {
              p = a[k]![j]! + q * a[k + 1]![j]!;
              if (k !== nn - 1) {
                p += r * a[k + 2]![j]!;
                a[k + 2]![j]! -= p * z;
              }
              a[k + 1]![j]! -= p * y;
              a[k]![j]! -= p * x;
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              p = x * a[i]![k]! + y * a[i]![k + 1]!;
              if (k !== nn - 1) {
                p += z * a[i]![k + 2]!;
                a[i]![k + 2]! -= p * r;
              }
              a[i]![k + 1]! -= p * q;
              a[i]![k]! -= p;
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return wr.map((re, i) => ({ re, im: wi[i]! }));
}
