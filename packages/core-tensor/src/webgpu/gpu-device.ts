import { BackendError } from '../errors.js';

/** A WebGPU device and what it runs on. */
export interface GpuDeviceHandle {
  /** The adapter the device was requested from. */
  readonly adapter: GPUAdapter;
  /** The device kernels run on. */
  readonly device: GPUDevice;
  /** Adapter vendor, architecture, device and description strings. */
  readonly adapterInfo: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
  };
  /** True for software rasterisers (lavapipe/llvmpipe, SwiftShader, WARP) and fallback adapters. */
  readonly software: boolean;
  /** Where `navigator.gpu` came from: the browser or the `webgpu` npm package (Dawn). */
  readonly source: 'navigator.gpu' | 'webgpu (Dawn) npm package';
  /** True when the device was created with the `shader-f16` feature (float16 tensors work). */
  readonly float16: boolean;
  /** True when `init` asked for float16 (whether or not the adapter has it). */
  readonly float16Requested: boolean;
  /** Why float16 is on or off (not requested, or the adapter lacks `shader-f16`). */
  readonly float16Reason: string;
  /**
   * The device's subgroup size when the `subgroups` feature is enabled and the
   * adapter reports one fixed size (min = max), else null. The subgroup
   * matmul kernel needs it at shader-build time (`matmul.wgsl.ts`).
   */
  readonly subgroupSize: number | null;
}

/** What `requestGpuDevice` asks the adapter for. */
export interface GpuDeviceOptions {
  /** Request the `shader-f16` feature (float16 tensors); off by default. */
  readonly float16?: boolean;
}

// Dawn crashes when its GPU object, adapter or device is garbage-collected while
// the process still runs, so everything handed out stays referenced here for
// the life of the process.
const keepAlive: unknown[] = [];

const SOFTWARE_PATTERN = /llvmpipe|lavapipe|swiftshader|software|warp|basic render/i;

/**
 * Finds a WebGPU implementation (the browser's `navigator.gpu`, or in Node the
 * optional `webgpu` package loaded on demand), requests an adapter and a
 * device with the adapter's largest buffer limits. Throws a BackendError that
 * names what is missing: the package, an adapter, or on Linux a Vulkan driver.
 */
export async function requestGpuDevice(options: GpuDeviceOptions = {}): Promise<GpuDeviceHandle> {
  const { gpu, source } = await findGpu();
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new BackendError('webgpu', `requestAdapter failed: ${(e as Error).message}`);
  }
  if (adapter === null) throw new BackendError('webgpu', noAdapterMessage(source));
  keepAlive.push(adapter);
  const limits = adapter.limits;
  const wanted: Record<string, number> = {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
  };
  const hasF16 = adapter.features.has('shader-f16');
  const float16 = options.float16 === true && hasF16;
  const float16Reason = float16
    ? "enabled (init was given float16: true; the adapter has 'shader-f16')"
    : options.float16 === true
      ? `unavailable: the adapter '${describeAdapter(adapter)}' lacks the 'shader-f16' feature`
      : `not requested (pass float16: true to init${hasF16 ? '' : "; this adapter lacks 'shader-f16' anyway"})`;
  let device: GPUDevice;
  try {
    // subgroups: the matmul kernel for CPU-emulated adapters shares loaded values between lanes
    // ('subgroups' is newer than this project's WebGPU type definitions)
    const requiredFeatures = [
      ...(float16 ? ['shader-f16'] : []),
      ...['subgroups'].filter((f) => adapter.features.has(f)),
    ] as unknown as GPUFeatureName[];
    device = await adapter.requestDevice({ requiredLimits: wanted, requiredFeatures });
  } catch (e) {
    throw new BackendError(
      'webgpu',
      `requestDevice failed on adapter '${describeAdapter(adapter)}': ${(e as Error).message}`,
    );
  }
  keepAlive.push(device);
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const adapterInfo = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const fallback =
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software =
    fallback ||
    adapterInfo.architecture === 'software' ||
    SOFTWARE_PATTERN.test(`${adapterInfo.device} ${adapterInfo.description}`);
  const sizes = info as { subgroupMinSize?: number; subgroupMaxSize?: number };
  const subgroupSize =
    device.features.has('subgroups') &&
    sizes.subgroupMinSize !== undefined &&
    sizes.subgroupMinSize === sizes.subgroupMaxSize
      ? sizes.subgroupMinSize
      : null;
  return {
    adapter,
    device,
    adapterInfo,
    software,
    source,
    float16,
    float16Requested: options.float16 === true,
    float16Reason,
    subgroupSize,
  };
}

/** A one-line description of an adapter: vendor, architecture and device. */
export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  if (!i) return 'unknown adapter';
  return (
    [i.vendor, i.architecture, i.device || i.description].filter((s) => s).join(' / ') ||
    'unknown adapter'
  );
}

async function findGpu(): Promise<{ gpu: GPU; source: GpuDeviceHandle['source'] }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: 'navigator.gpu' };
  const proc = (
    globalThis as {
      process?: {
        versions?: { node?: string };
        env?: Record<string, string | undefined>;
        platform?: string;
      };
    }
  ).process;
  if (!proc?.versions?.node) {
    throw new BackendError(
      'webgpu',
      'this JavaScript environment has no navigator.gpu (use a browser with WebGPU enabled, or Node with the `webgpu` package)',
    );
  }
  // Dawn's Vulkan instance needs a runtime directory on Linux.
  if (proc.platform === 'linux' && proc.env && !proc.env.XDG_RUNTIME_DIR)
    proc.env.XDG_RUNTIME_DIR = '/tmp';
  let mod: { create: (options: string[]) => GPU; globals: object };
  try {
    // The specifier is a variable so bundlers for the browser leave it alone.
    const name = 'webgpu';
    mod = (await import(/* @vite-ignore */ name)) as typeof mod;
  } catch (e) {
    throw new BackendError(
      'webgpu',
      `Node has no WebGPU: the optional peer dependency 'webgpu' (Dawn) is not installed (npm install webgpu) [${(e as Error).message.split('\n')[0]}]`,
    );
  }
  // WebGPU's enum objects (GPUBufferUsage, GPUMapMode, ...) are globals in browsers.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  const gpu = mod.create([]);
  keepAlive.push(mod, gpu);
  return { gpu, source: 'webgpu (Dawn) npm package' };
}

function noAdapterMessage(source: GpuDeviceHandle['source']): string {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (source === 'navigator.gpu')
    return 'navigator.gpu.requestAdapter() returned no adapter (WebGPU is disabled or the GPU is blocklisted)';
  if (platform === 'linux') {
    return (
      'no WebGPU adapter: Dawn found no Vulkan driver. Install one: a GPU vendor driver, or the software driver ' +
      'lavapipe with `bash scripts/install-vulkan.sh` (or `apt-get install mesa-vulkan-drivers libvulkan1`)'
    );
  }
  return `no WebGPU adapter: Dawn found no ${platform === 'darwin' ? 'Metal' : platform === 'win32' ? 'D3D12/Vulkan' : 'GPU'} device`;
}
