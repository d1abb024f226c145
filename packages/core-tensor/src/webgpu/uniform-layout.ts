import { BackendError } from '../errors.js';

/** The largest rank a shape or stride list in a uniform can have (after axis merging). */
export const MAX_UNIFORM_RANK = 8;

/** Kinds of uniform fields: scalars, or a list of up to `MAX_UNIFORM_RANK` u32/i32 (shape, strides). */
export type UniformKind = 'u32' | 'i32' | 'f32' | 'dims' | 'idims';

/** A value for one uniform field. */
export type UniformValue = number | readonly number[];

/**
 * The layout of a kernel's uniform block: produces the WGSL `struct Params`
 * declaration and packs values at the offsets WGSL's alignment rules give
 * them, so shapes and strides travel as data and one shader serves every
 * shape.
 */
export class UniformLayout {
  private readonly offsets = new Map<string, { offset: number; kind: UniformKind }>();
  /** Bytes of the packed block (a multiple of 16). */
  readonly byteSize: number;
  /** The WGSL declaration `struct Params { ... }` (read in shaders as `P.name`). */
  readonly wgsl: string;

  /** Lays out `fields` in order. */
  constructor(fields: readonly (readonly [string, UniformKind])[]) {
    let offset = 0;
    const lines: string[] = [];
    for (const [name, kind] of fields) {
      if (kind === 'dims' || kind === 'idims') {
        offset = Math.ceil(offset / 16) * 16;
        lines.push(
          `  ${name}: array<vec4<${kind === 'dims' ? 'u32' : 'i32'}>, ${MAX_UNIFORM_RANK / 4}>,`,
        );
        this.offsets.set(name, { offset, kind });
        offset += MAX_UNIFORM_RANK * 4;
      } else {
        lines.push(`  ${name}: ${kind},`);
        this.offsets.set(name, { offset, kind });
        offset += 4;
      }
    }
    this.byteSize = Math.max(16, Math.ceil(offset / 16) * 16);
    this.wgsl = `struct Params {\n${lines.join('\n')}\n}\n`;
  }

  /** Packs `values` (every field must be given) into a new buffer. */
  pack(values: Readonly<Record<string, UniformValue>>): ArrayBuffer {
    const buf = new ArrayBuffer(this.byteSize);
    const u = new Uint32Array(buf);
    const i = new Int32Array(buf);
    const f = new Float32Array(buf);
    for (const [name, { offset, kind }] of this.offsets) {
      const v = values[name];
      if (v === undefined) throw new BackendError('webgpu', `uniform '${name}' was not given`);
      const w = offset / 4;
      if (kind === 'dims' || kind === 'idims') {
        const list = v as readonly number[];
        if (list.length > MAX_UNIFORM_RANK) {
          throw new BackendError(
            'webgpu',
            `tensors of rank ${list.length} (after merging axes) exceed the WebGPU kernels' limit of ${MAX_UNIFORM_RANK}`,
          );
        }
        for (let k = 0; k < list.length; k++) {
          if (kind === 'dims') u[w + k] = list[k]!;
          else i[w + k] = list[k]!;
        }
      } else if (kind === 'u32') u[w] = v as number;
      else if (kind === 'i32') i[w] = v as number;
      else f[w] = v as number;
    }
    return buf;
  }
}

/** WGSL expression for element `d` (a u32 expression) of the uniform list field `field`: `P.field[d / 4][d % 4]`. */
export function dimAt(field: string, d: string): string {
  return `P.${field}[(${d}) / 4u][(${d}) % 4u]`;
}
