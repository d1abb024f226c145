/**
 * @packageDocumentation
 * Optimizers and learning-rate schedules of webgrad, matching PyTorch 1.13's
 * `torch.optim` step for step: SGD, Adam, AdamW, NAdam, Adamax, Adagrad,
 * Adadelta, RMSprop, Rprop, LBFGS, plus QuickProp and Newton's method, and
 * the schedules StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
 * LinearLR, OneCycleLR, ReduceLROnPlateau, ChainedScheduler and SequentialLR.
 */
import '@webgrad/autograd';

export {
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ScheduleFields,
  type Closure,
} from './optimizer.js';
export {
  serializeOptimizerState,
  deserializeOptimizerState,
  type StateValue,
  type ParamState,
  type GroupValue,
  type GroupStateDict,
  type OptimizerStateDict,
  type SerializedOptimizerState,
  type OptimizerStateMeta,
  type SerializedStateValue,
  type TensorRef,
  type TensorListRef,
} from './optimizer-state.js';
export { ElementwiseOptimizer } from './elementwise-optimizer.js';
export {
  registerFusedUpdate,
  runUpdate,
  type UpdateRule,
  type UpdateHyper,
  type UpdateInputs,
  type UpdateOutputs,
  type FusedUpdate,
  type FusedKernelUpdate,
} from './update-rule.js';
export { SGD, sgdUpdate, type SGDOptions, type SGDHyper } from './sgd.js';
export { Adam, AdamW, adamUpdate, type AdamOptions, type AdamHyper } from './adam.js';
export { NAdam, nadamUpdate, type NAdamOptions, type NAdamHyper } from './nadam.js';
export { Adamax, adamaxUpdate, type AdamaxOptions, type AdamaxHyper } from './adamax.js';
export { Adagrad, adagradUpdate, type AdagradOptions, type AdagradHyper } from './adagrad.js';
export { Adadelta, adadeltaUpdate, type AdadeltaOptions, type AdadeltaHyper } from './adadelta.js';
export { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropHyper } from './rmsprop.js';
export { Rprop, rpropUpdate, type RpropOptions, type RpropHyper } from './rprop.js';
export { QuickProp, quickpropUpdate, type QuickPropOptions, type QuickPropHyper } from './quickprop.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export { Newton, type NewtonOptions } from './newton.js';
export { type AsyncClosure } from './host-read.js';
export { optimalQuadraticStep, maxStableStep, curvature, maxCurvature, type MaxCurvatureOptions } from './curvature.js';
export { LRScheduler, type Scheduler, type SchedulerStateDict, type JsonValue } from './lr-scheduler.js';
export { StepLR, type StepLROptions } from './step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { ChainedScheduler } from './chained-scheduler.js';
export { SequentialLR } from './sequential-lr.js';
