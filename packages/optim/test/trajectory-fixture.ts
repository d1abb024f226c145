import { readFileSync } from 'node:fs';
import { matmul, tensor, transpose, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';

/** The fixed 3-4-2 tanh MLP and data of `fixtures/gen_trajectories.py`. */
export interface Network {
  x: number[][];
  t: number[][];
  params: Record<ParamName, number[] | number[][]>;
}

/** One optimizer run recorded by PyTorch. */
export interface TrajectoryCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: ({ params: ParamName[] } & Record<string, unknown>)[] | null;
  objective: 'mse' | 'neg_mse' | 'ridge';
  closure: boolean;
  steps: { loss: number; params: Record<ParamName, number[]>; funcEvals?: number; nIter?: number }[];
}

/** The network's parameter names, in the order PyTorch's optimizer saw them. */
export const PARAM_NAMES = ['w1', 'b1', 'w2', 'b2'] as const;
/** A parameter name. */
export type ParamName = (typeof PARAM_NAMES)[number];

/** The parsed fixture file. */
export const trajectories = JSON.parse(readFileSync(new URL('./fixtures/trajectories.json', import.meta.url), 'utf8')) as {
  network: Network;
  cases: TrajectoryCase[];
  rosenbrock: { start: number[]; options: Record<string, unknown>; loss: number; w: number[]; funcEvals: number; nIter: number };
};

/** Fresh float64 parameters at the fixture's initial values. */
export function freshParams(): Record<ParamName, Parameter> {
  const p = trajectories.network.params;
  return {
    w1: new Parameter(tensor(p.w1, { dtype: 'float64' })),
    b1: new Parameter(tensor(p.b1, { dtype: 'float64' })),
    w2: new Parameter(tensor(p.w2, { dtype: 'float64' })),
    b2: new Parameter(tensor(p.b2, { dtype: 'float64' })),
  };
}

const X = tensor(trajectories.network.x, { dtype: 'float64' });
const T = tensor(trajectories.network.t, { dtype: 'float64' });

/** MSE of the MLP y = tanh(X·W₁ᵀ + b₁)·W₂ᵀ + b₂ against the targets: mean((y − t)²). */
export function mse(p: Record<ParamName, Tensor>): Tensor {
  const h = matmul(X, transpose(p.w1)).add(p.b1).tanh();
  const y = matmul(h, transpose(p.w2)).add(p.b2);
  return y.sub(T).square().mean();
}

/** mse + 0.05·Σ‖θ‖² (the L-BFGS cases' objective: an isolated minimum). */
export function ridge(p: Record<ParamName, Tensor>): Tensor {
  return PARAM_NAMES.reduce((acc, n) => acc.add(p[n].square().sum().mul(0.05)), mse(p));
}

/** The objective a case names. */
export function objectiveOf(kind: TrajectoryCase['objective'], p: Record<ParamName, Tensor>): Tensor {
  return kind === 'mse' ? mse(p) : kind === 'neg_mse' ? mse(p).neg() : ridge(p);
}
