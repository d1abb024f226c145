// Entry of webgrad's WebAssembly kernels (AssemblyScript). Built by
// scripts/build-wasm.ts into src/wasm/kernels-wasm.generated.ts.
export { chunkScratchFloats, packBFull, packedBFloats, sgemm, sgemmBatched, sgemmChunk, sgemmScratchFloats, transposeF32 } from './gemm';
export { binaryF32, unaryF32 } from './elementwise';
export { argExtremeRowsF32, extremeRowsF32, sumMiddleF32, sumRowsF32 } from './reduce';
export { foldF32, unfoldF32 } from './im2col';
export { lstmCellF32, lstmCellBackwardF32 } from './lstm-cell';
export { gruCellF32, gruCellBackwardF32 } from './gru-cell';
export { softmaxRowsF32, unaryMathF32 } from './transcendental';
export { layerNormF32, layerNormBackwardF32 } from './layer-norm';
export { adamUpdateF32, sgdUpdateF32 } from './optimizer-update';
