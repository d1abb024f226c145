import {
  ArgumentError,
  DTypeError,
  ShapeError,
  fmtShape,
  full,
  type Tensor,
} from '@webgrad/core-tensor';
import { Embedding, Module } from '@webgrad/nn';

/**
 * The class conditioning of a denoiser: a table of `numClasses + 1`
 * vectors, the last one standing for "no label" (the unconditional model of
 * classifier-free guidance, Ho & Salimans 2022). Its output is added to the
 * time embedding.
 */
export class LabelEmbedding extends Module<[Tensor | undefined, number, string], Tensor> {
  /** The table, numClasses + 1 rows. */
  table: Embedding;

  /** Creates the table for `numClasses` classes of width `dim`. */
  constructor(
    readonly numClasses: number,
    readonly dim: number,
  ) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new ArgumentError(
        'LabelEmbedding',
        `numClasses must be a positive integer, got ${numClasses}`,
      );
    }
    this.table = new Embedding(numClasses + 1, dim);
  }

  /**
   * The embedding of labels [B] (int32, 0…numClasses, where numClasses
   * means no label); with no labels, the no-label row for all B examples.
   */
  forward(labels: Tensor | undefined, batch: number, backend: string): Tensor {
    return this.table.forward(
      checkLabels('LabelEmbedding', labels, batch, this.numClasses, backend),
    );
  }
}

/**
 * `labels` checked against the batch size and class count, or the no-label
 * index `numClasses` for every example when absent.
 */
export function checkLabels(
  op: string,
  labels: Tensor | undefined,
  batch: number,
  numClasses: number,
  backend: string,
): Tensor {
  if (labels === undefined) return full([batch], numClasses, { dtype: 'int32', backend });
  if (labels.dtype !== 'int32')
    throw new DTypeError(op, `labels must be int32, got ${labels.dtype}`);
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new ShapeError(
      op,
      `labels must be [${batch}] (one per example), got ${fmtShape(labels.shape)}`,
    );
  }
  if (labels.backend.name === 'cpu') {
    for (const y of labels.dataSync()) {
      if (y < 0 || y > numClasses) {
        throw new ArgumentError(
          op,
          `labels must be in [0, ${numClasses}] (${numClasses} = no label), got ${y}`,
        );
      }
    }
  }
  return labels;
}
