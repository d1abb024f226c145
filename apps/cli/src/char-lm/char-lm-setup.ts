import { readFile } from 'node:fs/promises';
import { CharTokenizer, lmBatches, loadTinyShakespeare, type CharTokenizerJSON, type LmBatch } from '@webgrad/data';
import { CharGRU, CharLSTM, type CharLanguageModel } from '@webgrad/layers-recurrent';
import { CliError } from '../cli-error.js';
import type { Checkpoint } from '../checkpoint.js';
import { restoreModel } from '../restore-model.js';

/** The character language-model families. */
export type CharLmFamily = 'char-lstm' | 'char-gru';

/** How a character language model is built and trained: its checkpoint's `config.json`. */
export interface CharLmConfig {
  /** The family. */
  model: CharLmFamily;
  /** The text file trained on, or null for the shipped tiny Shakespeare. */
  data: string | null;
  /** The tokenizer (the characters of the training text). */
  tokenizer: CharTokenizerJSON;
  /** Fraction of the text (its end) held out for validation. */
  valFraction: number;
  /** Hidden units per layer. */
  hiddenSize: number;
  /** Stacked recurrent layers. */
  layers: number;
  /** Embedding width. */
  embedDim: number;
  /** Dropout between layers and before the head. */
  dropout: number;
  /** Total optimisation steps of the run. */
  steps: number;
  /** Sequences per batch. */
  batchSize: number;
  /** Characters per sequence. */
  seqLen: number;
  /** Learning rate. */
  lr: number;
  /** Optimizer name. */
  optimizer: string;
  /** Learning-rate schedule name. */
  schedule: string;
  /** Gradient-norm clipping threshold, or null for none. */
  clip: number | null;
  /** Seed of initialisation, data order and dropout. */
  seed: number;
}

/** The characters of a run's text, as token ids, split into training and validation parts. */
export interface CharLmData {
  /** Training ids (the start of the text). */
  train: number[];
  /** Validation ids (the end of the text). */
  validation: number[];
}

/** Reads the text to train on: `path`, or the shipped tiny Shakespeare when null. */
export async function readTrainingText(path: string | null): Promise<string> {
  if (path === null) return loadTinyShakespeare();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new CliError(`cannot read the data file '${path}' (${code})`, {
      hint: 'pass --data a readable UTF-8 text file, or leave --data out to use the shipped tiny Shakespeare',
      exitCode: 1,
    });
  }
  if (text.length < 100)
    throw new CliError(`the data file '${path}' holds only ${text.length} characters`, {
      hint: 'pass --data a text of at least a few thousand characters',
      exitCode: 1,
    });
  return text;
}

/** Token ids of `text`, split at `1 − valFraction` (the validation part is the end). */
export function splitText(tokenizer: CharTokenizer, text: string, valFraction: number): CharLmData {
  const ids = tokenizer.encode(text);
  const cut = Math.floor(ids.length * (1 - valFraction));
  return { train: ids.slice(0, cut), validation: ids.slice(cut) };
}

/** A fresh model of the configured family and sizes (initialised from the global RNG). */
export function buildCharLm(config: CharLmConfig): CharLanguageModel {
  const Model = config.model === 'char-gru' ? CharGRU : CharLSTM;
  return new Model({
    vocabSize: CharTokenizer.fromJSON(config.tokenizer).vocabSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.layers,
    embedDim: config.embedDim,
    dropout: config.dropout,
  });
}

/**
 * The model of a checkpoint with its trained weights; a one-line error when
 * the checkpoint is not a character language model or its weights do not fit
 * the configured shapes.
 */
export function loadCharLm(checkpoint: Checkpoint): { model: CharLanguageModel; config: CharLmConfig; tokenizer: CharTokenizer } {
  const config = checkpoint.config as unknown as CharLmConfig;
  if (config.model !== 'char-lstm' && config.model !== 'char-gru')
    throw new CliError(`checkpoint '${checkpoint.dir}' holds a ${config.model} model, which has no text to sample or evaluate`, {
      hint: 'pass a char-lstm or char-gru checkpoint',
      exitCode: 1,
    });
  const model = restoreModel(checkpoint, buildCharLm(config));
  return { model, config, tokenizer: CharTokenizer.fromJSON(config.tokenizer) };
}

/**
 * The training batches of a character model from step `firstStep` on:
 * random windows of `seqLen + 1` characters (nanoGPT's sampler), the batch
 * of step s depending only on the seed and s, so a resumed run continues
 * with exactly the batches an uninterrupted one would have seen.
 */
export function windowBatches(
  tokens: readonly number[],
  options: { seqLen: number; batchSize: number; seed: number; firstStep: number; backend: string },
): Iterator<LmBatch> {
  return lmBatches(tokens, { seqLen: options.seqLen, batchSize: options.batchSize, seed: options.seed, startStep: options.firstStep, backend: options.backend });
}
