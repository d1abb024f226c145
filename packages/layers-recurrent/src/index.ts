/**
 * @packageDocumentation
 * Recurrent networks for webgrad with PyTorch's semantics and parameter
 * layout: `RNN`, `LSTM`, `GRU` and their cells, variable-length batches,
 * truncated backpropagation through time, gradient-flow diagnostics,
 * seq2seq with attention, character language models, continuous-time RNNs
 * and Hopfield networks.
 */
import '@webgrad/autograd';

export { lstmCellUpdate, lstmCellUpdateReference, type LstmCellState } from './lstm-cell-update.js';
export { lstmSequence, usesFusedSequence, type LstmSequenceResult, type LstmSequenceOptions } from './lstm-sequence.js';
export { gruCellUpdate, gruCellUpdateReference } from './gru-cell-update.js';
export { splitTimeSteps } from './split-time-steps.js';
export { linearProjection } from './linear-projection.js';
export { stepMasks, hostLengths, type SequenceOptions, type StepMasks } from './sequence-mask.js';
export {
  gateCount,
  elmanMode,
  projectInput,
  recurrentStep,
  runDirection,
  type RecurrentMode,
  type RecurrentWeights,
  type RecurrentState,
  type StepObserver,
  type DirectionResult,
} from './recurrent-step.js';
export { RNNBase, type RecurrentLayerOptions, type RecurrentRun, type RunOptions } from './rnn-base.js';
export { RNN, type RNNOptions } from './rnn.js';
export { LSTM, type LSTMOptions, type LSTMState } from './lstm.js';
export { GRU, type GRUOptions } from './gru.js';
export { RNNCellBase, type RecurrentCellOptions } from './rnn-cell-base.js';
export { RNNCell, type RNNCellOptions } from './rnn-cell.js';
export { LSTMCell, type LSTMCellOptions } from './lstm-cell.js';
export { GRUCell, type GRUCellOptions } from './gru-cell.js';
export { eigenvalues, spectralRadius, spectralNorm, type HostMatrix, type Eigenvalue } from './eigenvalues.js';
export {
  hiddenGradientNorms,
  recurrentJacobians,
  stepJacobian,
  type FlowRunOptions,
  type HiddenGradientNorms,
  type RecurrentJacobianOptions,
  type RecurrentJacobians,
} from './gradient-flow.js';
export { orthogonalRecurrentInit_, identityRecurrentInit_, forgetGateBiasInit_, type OrthogonalInitOptions, type IdentityInitOptions } from './recurrent-init.js';
export {
  tbpttWindows,
  detachState,
  TruncatedBPTT,
  type TruncatedBPTTOptions,
  type TbpttWindow,
  type StateTree,
  type TbpttSegmentResult,
} from './truncated-bptt.js';
export { BahdanauAttention, LuongAttention, attend, type AttentionResult, type LuongScore } from './attention.js';
export {
  Seq2Seq,
  type Seq2SeqOptions,
  type Seq2SeqAttention,
  type Seq2SeqForwardOptions,
  type EncodedSource,
  type DecoderState,
  type DecoderStep,
  type DecodeOptions,
  type BeamSearchOptions,
  type BeamHypothesis,
} from './seq2seq.js';
export { samplingDistribution, sampleToken, type SamplingOptions } from './token-sampling.js';
export {
  CharLanguageModel,
  type CharLanguageModelOptions,
  type CharLMState,
  type CharLMOutput,
  type StepOptimizer,
  type CharLMTrainStepOptions,
  type CharLMEvaluation,
  type CharLMEvaluateOptions,
  type GenerateOptions,
} from './char-language-model.js';
export { CharLSTM } from './char-lstm.js';
export { CharGRU } from './char-gru.js';
export { ContinuousTimeRNN, type ContinuousTimeRNNOptions, type ContinuousTimeRNNRun } from './continuous-time-rnn.js';
export { HopfieldNetwork, type HopfieldRecallOptions, type HopfieldRecall } from './hopfield-network.js';
