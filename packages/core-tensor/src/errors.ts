/**
 * The base class of every error webgrad throws on purpose. `op` names the
 * operation that refused its input.
 */
export class WebgradError extends Error {
  /** The op (or API) that raised the error. */
  readonly op: string;
  /** Creates an error whose message starts with the op name. */
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'WebgradError';
    this.op = op;
  }
}

/** Shapes that do not fit the op: mismatched dimensions, bad axes, wrong rank. */
export class ShapeError extends WebgradError {
  /** Creates a shape error for `op`. */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ShapeError';
  }
}

/** A dtype the op cannot take, or two dtypes that cannot be combined. */
export class DTypeError extends WebgradError {
  /** Creates a dtype error for `op`. */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'DTypeError';
  }
}

/** A backend is missing, lacks a kernel, or cannot do what was asked. */
export class BackendError extends WebgradError {
  /** Creates a backend error for `op`. */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'BackendError';
  }
}

/** An argument that is not a shape or dtype problem: a bad option, value or count. */
export class ArgumentError extends WebgradError {
  /** Creates an argument error for `op`. */
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ArgumentError';
  }
}

/** Formats a shape the way error messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
