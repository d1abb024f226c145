import { withPrelude } from './wgsl-prelude.js';

/**
 * A compute program: WGSL source plus its binding counts. The key names the
 * shader variant (op, dtypes, tile config) and never a shape: shapes travel in
 * uniforms, so a program is compiled once per process.
 */
export interface GpuProgram {
  /** Cache key: one pipeline per key. */
  readonly key: string;
  /**
   * Builds the WGSL source (called once, on the first dispatch of the key).
   * It may call the prelude's `webgrad_*` functions: the ones it uses are added.
   */
  readonly source: () => string;
  /** Read-only storage bindings (0..inputs-1). */
  readonly inputs: number;
  /** Read-write storage bindings after the inputs. */
  readonly outputs: number;
  /** Binds the backend's index error flag after the uniform block. */
  readonly checksIndices?: boolean;
}

const ENABLE_F16 = 'enable f16;\n';

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  bindGroupLayout: GPUBindGroupLayout;
}

/**
 * Shader modules and compute pipelines by program key, and bind group layouts
 * by binding signature. Creating pipelines is slow and, in long Dawn
 * processes, creating many has crashed: every program is compiled once.
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  /** @param device - the device pipelines are created on. */
  constructor(private readonly device: GPUDevice) {}

  /** The pipeline of `program`, compiled on first use. */
  get(program: GpuProgram): CachedPipeline {
    let hit = this.pipelines.get(program.key);
    if (hit === undefined) {
      const bindGroupLayout = this.layout(
        program.inputs,
        program.outputs,
        program.checksIndices === true,
      );
      const source = program.source();
      // an `enable` directive must precede every declaration, the prelude's too
      const enable = source.startsWith(ENABLE_F16) ? ENABLE_F16 : '';
      const module = this.device.createShaderModule({
        code: enable + withPrelude(source.slice(enable.length)),
        label: program.key,
      });
      const pipeline = this.device.createComputePipeline({
        label: program.key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] }),
        compute: { module, entryPoint: 'main' },
      });
      hit = { pipeline, bindGroupLayout };
      this.pipelines.set(program.key, hit);
    }
    return hit;
  }

  /** Number of compiled pipelines. */
  get size(): number {
    return this.pipelines.size;
  }

  private layout(inputs: number, outputs: number, flag: boolean): GPUBindGroupLayout {
    const key = `${inputs}/${outputs}/${flag}`;
    let l = this.layouts.get(key);
    if (l === undefined) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      let binding = 0;
      for (let i = 0; i < inputs; i++)
        entries.push({
          binding: binding++,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'read-only-storage' },
        });
      for (let i = 0; i < outputs; i++)
        entries.push({
          binding: binding++,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'storage' },
        });
      entries.push({
        binding: binding++,
        visibility: GPUShaderStage.COMPUTE,
        // one bind group serves every dispatch on the same buffers: the uniform
        // block's place in the batch's arena is a dynamic offset
        buffer: { type: 'uniform', hasDynamicOffset: true },
      });
      if (flag)
        entries.push({
          binding: binding++,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'storage' },
        });
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, l);
    }
    return l;
  }
}

/**
 * The WGSL declarations matching a program's bindings: `in0..`, `out0..`
 * with the given element types, the uniform block `P`, and `errorFlag` when
 * the program checks indices.
 */
export function bindingDecls(
  inputTypes: readonly string[],
  outputTypes: readonly string[],
  paramsStruct: string,
  checksIndices = false,
): string {
  const lines: string[] = [paramsStruct];
  let b = 0;
  inputTypes.forEach((t, i) =>
    lines.push(`@group(0) @binding(${b++}) var<storage, read> in${i}: array<${t}>;`),
  );
  outputTypes.forEach((t, i) =>
    lines.push(`@group(0) @binding(${b++}) var<storage, read_write> out${i}: array<${t}>;`),
  );
  lines.push(`@group(0) @binding(${b++}) var<uniform> P: Params;`);
  if (checksIndices)
    lines.push(
      `@group(0) @binding(${b++}) var<storage, read_write> errorFlag: array<atomic<u32>, 4>;`,
    );
  return lines.join('\n') + '\n';
}
