/**
 * @packageDocumentation
 * Reverse-mode automatic differentiation for webgrad. Importing this package
 * installs the recorder into core-tensor's dispatch: from then on every op on
 * a tensor that requires grad is recorded, and `loss.backward()` works.
 */
import { setGradientRecorder } from '@webgrad/core-tensor';
import { backward } from './backward.js';
import { recordOp } from './recorder.js';
import { outputDisposed } from './graph-lifetime.js';
import './gradients/index.js';

setGradientRecorder({ record: (op, inputs, outputs, attrs) => recordOp(op, inputs, outputs, attrs), backward, disposed: outputDisposed });

export { backward, runBackward, type BackwardOptions } from './backward.js';
export { atBackwardPassEnd } from './backward-pass-end.js';
export { gradients, grad, valueAndGrad, type GradientsOptions, type GradOptions } from './functional.js';
export { hessianVectorProduct, hessian, jacobian } from './higher-order.js';
export { customOp, type CustomOpDef } from './custom-op.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { noGrad, enableGrad } from './grad-mode.js';
export { setAnomalyDetection, isAnomalyDetectionEnabled, detectAnomaly, AnomalyError } from './anomaly.js';
export { registerGradient, getGradient, listGradients, type GradientDef } from './gradient-registry.js';
export { GradNode, type GradientContext, type BackwardFn } from './graph-node.js';
export { recordOp, saveForBackward } from './recorder.js';
