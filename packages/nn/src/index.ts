/**
 * @packageDocumentation
 * Neural-network building blocks with PyTorch's names, layouts and default
 * initialisation: `Module`, `Parameter`, layers, activations, losses,
 * initialisers and safetensors weights.
 */
import '@webgrad/autograd';

export { Parameter } from './parameter.js';
export { Module, type StateDict, type LoadStateDictResult } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
