import { cpuStatus } from '@webgrad/core-tensor';
import type { UpdateInputs } from './update-rule.js';

/**
 * Whether a fused update kernel (`adamUpdate`, `sgdUpdate`) is faster than
 * the rule's composed tensor ops for this parameter: everywhere except
 * float32 on the CPU's WebAssembly SIMD path, where each composed op runs
 * vectorised (and threaded) and the fused kernel's scalar JavaScript loop
 * measured about 3× slower (a 784×256 parameter: Adam 5.6 ms against 1.7 ms,
 * SGD with momentum 2.1 ms against 0.6 ms). A SIMD version of the fused
 * kernels would change that; then this returns true there too.
 */
export function fusedUpdatePays({ param }: UpdateInputs): boolean {
  return !(
    param.backend.name === 'cpu' &&
    param.dtype === 'float32' &&
    cpuStatus().path === 'wasm-simd'
  );
}
