/** What a page exposes to the browser test (and to anyone in the console) as `window.webgradDemo`. */
export interface DemoState {
  /** The backend the page's tensors run on, once initialised. */
  backend: string | null;
  /** Steps trained since the last reset. */
  steps: number;
  /** The loss of every step since the last reset. */
  losses: number[];
  /** Whether the loop is running. */
  running: boolean;
}

declare global {
  interface Window {
    webgradDemo?: DemoState;
  }
}

/** The three things a page's training loop needs. */
export interface TrainingHooks {
  /** Runs one optimisation step and resolves to its loss. */
  step(): Promise<number>;
  /** Redraws after a step (the page decides how often it is worth it). */
  afterStep(step: number, loss: number): void | Promise<void>;
  /** Re-creates the model and optimizer. */
  reset(): void;
}

/**
 * Start / pause / reset around a page's training step. The loop yields to the
 * event loop after every step (`setTimeout(0)`), so the page keeps painting and
 * answering clicks while it trains.
 */
export class TrainingSession {
  /** Shared with the page and the test. */
  readonly state: DemoState = { backend: null, steps: 0, losses: [], running: false };
  private generation = 0;

  constructor(
    private readonly hooks: TrainingHooks,
    private readonly onStatus: (text: string) => void,
  ) {
    window.webgradDemo = this.state;
  }

  /** Starts (or resumes) training; does nothing when already running. */
  start(): void {
    if (this.state.running) return;
    this.state.running = true;
    void this.loop(this.generation);
  }

  /** Stops after the current step. */
  pause(): void {
    this.state.running = false;
    this.onStatus(`paused at step ${this.state.steps}`);
  }

  /** Stops and starts over from a freshly initialised model. */
  reset(): void {
    this.state.running = false;
    this.generation++;
    this.state.steps = 0;
    this.state.losses = [];
    this.hooks.reset();
    this.onStatus('step 0');
  }

  private async loop(generation: number): Promise<void> {
    while (this.state.running && generation === this.generation) {
      const loss = await this.hooks.step();
      if (generation !== this.generation) return;
      this.state.steps++;
      this.state.losses.push(loss);
      await this.hooks.afterStep(this.state.steps, loss);
      // a step that was under way when pause was pressed still reports it was paused
      this.onStatus(
        this.state.running
          ? `step ${this.state.steps}, loss ${loss.toPrecision(4)}`
          : `paused at step ${this.state.steps}`,
      );
      await new Promise((resolve) => setTimeout(resolve));
    }
  }
}
