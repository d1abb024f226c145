import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CliError } from './cli-error.js';

/** One metrics record: a flat object of numbers and strings, written as one JSON line. */
export type MetricsRecord = Readonly<Record<string, number | string | boolean | null>>;

/**
 * Metrics as JSON lines (`--metrics file`): one object per line, written as it
 * happens so a crashed or interrupted run keeps what it logged.
 *
 * @example
 * ```ts
 * const log = MetricsLog.open('metrics.jsonl');
 * log.write({ step: 1, loss: 0.25 });
 * log.close();
 * ```
 */
export class MetricsLog {
  private constructor(
    private fd: number | null,
    /** The file written to. */
    readonly path: string,
  ) {}

  /** Creates (or truncates) `path`; a one-line CLI error when it cannot be written. */
  static open(path: string): MetricsLog {
    try {
      return new MetricsLog(openSync(path, 'w'), path);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new CliError(`cannot write metrics to '${path}' (${reason})`, {
        hint: 'pass --metrics a file in an existing, writable directory',
      });
    }
  }

  /**
   * Runs `fn` with the log of `path` (or null when no path is given) and
   * closes the log however `fn` ends.
   */
  static async using<T>(path: string | undefined, fn: (log: MetricsLog | null) => Promise<T>): Promise<T> {
    const log = path !== undefined ? MetricsLog.open(path) : null;
    try {
      return await fn(log);
    } finally {
      log?.close();
    }
  }

  /** Appends `record` as one JSON line. */
  write(record: MetricsRecord): void {
    if (this.fd === null) throw new Error(`metrics log ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  /** Flushes to disk and closes the file (idempotent). */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
