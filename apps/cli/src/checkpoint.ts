import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '@webgrad/core-tensor';
import { loadSafetensorsFile, saveSafetensorsFile, writeFileAtomic } from '@webgrad/nn';
import type { OptimizerStateMeta, SerializedOptimizerState } from '@webgrad/optim';
import { CliError } from './cli-error.js';

/** A JSON value as stored in a checkpoint's config and state files. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What every checkpoint's `config.json` holds: the model family and how it was built and trained. */
export interface CheckpointConfig {
  /** The model family, e.g. `char-lstm` (what `webgrad train <model>` was run with). */
  model: string;
  /** Everything else the model needs to be rebuilt and its training continued. */
  [key: string]: Json;
}

/** A checkpoint's `state.json`: where training stands. */
export interface CheckpointState {
  /** Optimisation steps done. */
  step: number;
  /** The loss of every step so far. */
  losses: number[];
  /** Anything else (RNG state, data position, scheduler state). */
  [key: string]: Json;
}

/** A checkpoint read back from disk. */
export interface Checkpoint {
  /** The directory. */
  dir: string;
  /** `config.json`. */
  config: CheckpointConfig;
  /** `state.json`. */
  state: CheckpointState;
  /** The model's state dict from `model.safetensors`. */
  weights: Record<string, Tensor>;
  /** The optimizer's state from `optimizer.safetensors`, if the checkpoint has one. */
  optimizer: SerializedOptimizerState | null;
}

/** File names inside a checkpoint directory. */
export const CHECKPOINT_FILES = {
  config: 'config.json',
  state: 'state.json',
  weights: 'model.safetensors',
  optimizer: 'optimizer.safetensors',
} as const;

/**
 * Writes a checkpoint into `dir` (created if missing): every file through a
 * temporary file, fsync and rename, so a crash or Ctrl-C mid-write leaves the
 * previous file whole. The weights and optimizer files carry the step in
 * their metadata and `state.json` is written last, so a reader can tell a
 * consistent checkpoint from a torn one.
 */
export async function writeCheckpoint(
  dir: string,
  parts: {
    config: CheckpointConfig;
    state: CheckpointState;
    weights: Record<string, Tensor>;
    optimizer: SerializedOptimizerState | null;
  },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const step = String(parts.state.step);
  const json = (v: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  await writeFileAtomic(join(dir, CHECKPOINT_FILES.config), json(parts.config));
  await saveSafetensorsFile(join(dir, CHECKPOINT_FILES.weights), parts.weights, { step });
  if (parts.optimizer !== null) {
    await saveSafetensorsFile(join(dir, CHECKPOINT_FILES.optimizer), parts.optimizer.tensors, {
      step,
      meta: JSON.stringify(parts.optimizer.meta),
    });
  }
  await writeFileAtomic(join(dir, CHECKPOINT_FILES.state), json(parts.state));
}

/**
 * Reads the checkpoint in `dir`, checking that it is whole and (when
 * `expectedModel` is given) of that model family. Every problem is a
 * one-line `CliError` naming the file and how to fix it; nothing is written.
 */
export async function readCheckpoint(dir: string, expectedModel?: string): Promise<Checkpoint> {
  const fail = (what: string, hint = 'pass the directory a training run wrote (it holds config.json, state.json and model.safetensors)'): CliError =>
    new CliError(`cannot read checkpoint '${dir}': ${what}`, { hint, exitCode: 1 });
  const config = (await readJson(join(dir, CHECKPOINT_FILES.config), fail)) as CheckpointConfig;
  if (config === null || typeof config !== 'object' || typeof config.model !== 'string')
    throw fail(`${CHECKPOINT_FILES.config} does not name a model`);
  if (expectedModel !== undefined && config.model !== expectedModel)
    throw fail(`it holds a ${config.model} model, not ${expectedModel}`, `resume it with 'webgrad train ${config.model} --resume ${dir}'`);
  const state = (await readJson(join(dir, CHECKPOINT_FILES.state), fail)) as CheckpointState;
  if (state === null || !Number.isSafeInteger(state.step) || !Array.isArray(state.losses))
    throw fail(`${CHECKPOINT_FILES.state} has no step count`);
  const weightsFile = await readTensors(join(dir, CHECKPOINT_FILES.weights), fail);
  if (weightsFile.metadata?.step !== String(state.step))
    throw fail(`${CHECKPOINT_FILES.weights} is from step ${weightsFile.metadata?.step ?? '?'} but state.json from step ${state.step} (a torn write)`);
  let optimizer: SerializedOptimizerState | null = null;
  const optimizerPath = join(dir, CHECKPOINT_FILES.optimizer);
  if (await exists(optimizerPath)) {
    const file = await readTensors(optimizerPath, fail);
    if (file.metadata?.step !== String(state.step) || file.metadata.meta === undefined)
      throw fail(`${CHECKPOINT_FILES.optimizer} does not belong to step ${state.step}`);
    try {
      optimizer = { tensors: file.tensors, meta: JSON.parse(file.metadata.meta) as OptimizerStateMeta };
    } catch {
      throw fail(`${CHECKPOINT_FILES.optimizer} has unreadable metadata`);
    }
  }
  return { dir, config, state, weights: weightsFile.tensors, optimizer };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson(path: string, fail: (what: string) => CliError): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fail(`cannot read ${path.split(/[\\/]/).pop()} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fail(`${path.split(/[\\/]/).pop()} is not valid JSON (truncated or corrupt)`);
  }
}

async function readTensors(path: string, fail: (what: string) => CliError): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> | null }> {
  try {
    return await loadSafetensorsFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const name = path.split(/[\\/]/).pop();
    throw fail(code !== undefined ? `cannot read ${name} (${code})` : `${name} is corrupt: ${(e as Error).message}`);
  }
}
