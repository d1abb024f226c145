// Entry of webgrad's WebAssembly kernels (AssemblyScript). Built by
// scripts/build-wasm.ts into src/wasm/kernels-wasm.generated.ts.
export { sgemm, sgemmBatched, sgemmScratchFloats } from './gemm';
export { binaryF32, unaryF32 } from './elementwise';
