import { DTypeError } from '../errors.js';
import type { GpuProgram } from './pipeline-cache.js';

// float16 kernels are not written by hand: every kernel is written for f32,
// and a dispatch whose buffers hold half precision runs a variant of the
// kernel's program made by element-type substitution. The bindings holding
// halves are declared array<f16> (vecN<f16>), every read of them is widened
// to f32 and every store narrowed to f16, so the arithmetic, the workgroup
// tiles and the accumulators stay f32 (PyTorch's "opmath" for half on GPUs:
// compute in float, store half).

const variants = new Map<string, GpuProgram>();

/**
 * The variant of `program` whose bindings flagged in `half` (inputs then
 * outputs, in binding order) are f16 storage. Cached: the key adds which
 * bindings are half, so each variant compiles once. Throws a DTypeError
 * naming the op when a half binding is not an f32 array in the kernel (an
 * integer or atomic one, such as scatterAdd's float atomics).
 */
export function float16Program(
  op: string,
  program: GpuProgram,
  half: readonly boolean[],
): GpuProgram {
  const key = `${program.key}|f16:${half.map((h) => (h ? 1 : 0)).join('')}`;
  let p = variants.get(key);
  if (p === undefined) {
    p = { ...program, key, source: () => halfStorageSource(op, program.source(), half) };
    variants.set(key, p);
  }
  return p;
}

const DECL = /@group\(0\) @binding\((\d+)\) var<storage, (read|read_write)> (\w+): array<(.+)>;/g;

/**
 * `source` with the storage bindings flagged in `half` declared as f16
 * arrays, reads of them widened to f32 and stores narrowed to f16, and
 * `enable f16;` in front. Bindings declared `u32` hold raw elements that
 * kernels only move (the strided copy behind permute, slice, concat...):
 * they become f16 arrays with their accesses unchanged, so halves move as
 * halves.
 */
export function halfStorageSource(op: string, source: string, half: readonly boolean[]): string {
  const names = new Map<string, { wide: string; narrow: string }>();
  const declared = source.replace(
    DECL,
    (decl, binding: string, access: string, name: string, type: string) => {
      if (half[Number(binding)] !== true) return decl;
      if (type === 'u32')
        return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<f16>;`;
      const m = /^(?:(vec[234])<f32>|f32)$/.exec(type);
      if (m === null) {
        throw new DTypeError(
          op,
          `has no float16 kernel on webgpu (its shader keeps '${name}' as array<${type}>); cast to float32 first`,
        );
      }
      const narrow = m[1] !== undefined ? `${m[1]}<f16>` : 'f16';
      names.set(name, { wide: type, narrow });
      return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${narrow}>;`;
    },
  );
  return `enable f16;\n${names.size === 0 ? declared : rewriteAccesses(op, declared, names)}`;
}

function rewriteAccesses(
  op: string,
  src: string,
  names: ReadonlyMap<string, { wide: string; narrow: string }>,
): string {
  const pattern = new RegExp(`(?<![\\w.])(${[...names.keys()].join('|')})\\s*\\[`, 'g');
  const rewrite = (text: string): string => {
    let out = '';
    let pos = 0;
    pattern.lastIndex = 0;
    for (;;) {
      pattern.lastIndex = pos;
      const m = pattern.exec(text);
      if (m === null) break;
      const name = m[1]!;
      const types = names.get(name)!;
      const open = m.index + m[0].length - 1;
      const close = matching(text, open, '[', ']');
      const index = rewrite(text.slice(open + 1, close));
      const access = `${name}[${index}]`;
      out += text.slice(pos, m.index);
      const after = /^\s*([+\-*/]?)=(?!=)/.exec(text.slice(close + 1));
      if (after === null) {
        if (text[m.index - 1] === '&')
          throw new DTypeError(
            op,
            `has no float16 kernel on webgpu (it takes a pointer into '${name}')`,
          );
        out += `${types.wide}(${access})`;
        pos = close + 1;
        continue;
      }
      const rhsStart = close + 1 + after[0].length;
      const end = statementEnd(text, rhsStart);
      const rhs = rewrite(text.slice(rhsStart, end)).trim();
      const value = after[1] === '' ? rhs : `${types.wide}(${access}) ${after[1]} (${rhs})`;
      out += `${access} = ${types.narrow}(${value})`;
      pos = end;
    }
    return out + text.slice(pos);
  };
  return rewrite(src);
}

/** The index of the bracket closing the one at `open`. */
function matching(text: string, open: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i;
  }
  throw new Error(`unbalanced '${o}' in a WGSL program`);
}

/** The index of the `;` ending the statement that starts at `from` (outside brackets). */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ';' && depth === 0) return i;
  }
  throw new Error('unterminated statement in a WGSL program');
}
