import {
  Adam,
  LSTM,
  Linear,
  Module,
  RNN,
  addingProblem,
  forgetGateBiasInit_,
  hiddenGradientNorms,
  manualSeed,
  mseLoss,
  select,
  type RNNBase,
  type RecurrentRun,
  type Tensor,
} from 'webgrad';
import { trainStep, type Trainer } from '../worker/serve-trainer.js';

const SEQ_LEN = 40;
const HIDDEN = 32;
const BATCH = 64;

/** A recurrent layer read out by a linear head on its last output: the prediction of the sum. */
class AddingModel extends Module<[Tensor], Tensor> {
  head = new Linear(HIDDEN, 1);

  constructor(readonly rnn: RNNBase) {
    super();
  }

  /** The prediction from the output at the last step, [B, 1]. */
  readout(run: RecurrentRun): Tensor {
    return this.head.forward(select(run.output, 1, SEQ_LEN - 1));
  }

  forward(x: Tensor): Tensor {
    return this.readout(this.rnn.run(x));
  }
}

/** The two models of the page. */
interface Models {
  rnn: AddingModel;
  lstm: AddingModel;
}

/** A fresh (untrained) model of each kind on the active backend, from the current seed. */
function models(): Models {
  const m = {
    rnn: new AddingModel(new RNN(2, HIDDEN, { batchFirst: true })),
    lstm: new AddingModel(new LSTM(2, HIDDEN, { batchFirst: true })),
  };
  // forget-gate bias 1 (Gers et al.): f ≈ 0.73 at the start instead of 0.5
  forgetGateBiasInit_(m.lstm.rnn, 1);
  return m;
}

/** The RNN-vs-LSTM page's picture: ‖∂L/∂h_t‖ for t = 0 … T−1 of each model on a fixed batch. */
export interface RnnVsLstmView {
  rnn: number[];
  lstm: number[];
}

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export function createTrainer(): Trainer<RnnVsLstmView, Record<string, never>> {
  // everything lives on the active backend (WebGPU when the page has it), as on the other pages:
  // the models, their training batches and the fixed batch the gradient flow is measured on
  const probe = addingProblem({ numSequences: BATCH, seqLen: SEQ_LEN, seed: 12345 });
  let trained: Models;
  let optimizers: Adam[];
  let step = 0;
  return {
    build() {
      manualSeed(0);
      trained = models();
      optimizers = [trained.rnn, trained.lstm].map((m) => new Adam(m.parameters(), { lr: 3e-3 }));
      step = 0;
    },
    async step() {
      const { inputs, targets } = addingProblem({
        numSequences: BATCH,
        seqLen: SEQ_LEN,
        seed: step++,
      });
      const losses = await Promise.all(
        [trained.rnn, trained.lstm].map((model, i) =>
          trainStep(optimizers[i]!, () => mseLoss(model.forward(inputs), targets)),
        ),
      );
      inputs.dispose();
      targets.dispose();
      return losses;
    },
    async view() {
      // the diagnostic reads its norms back from the models' backend and frees every tensor it makes
      const flow = async (model: AddingModel): Promise<number[]> =>
        (
          await hiddenGradientNorms(model.rnn, probe.inputs, (run) =>
            mseLoss(model.readout(run), probe.targets),
          )
        ).norms[0]![0]!;
      return { rnn: await flow(trained.rnn), lstm: await flow(trained.lstm) };
    },
    viewEvery: 10,
  };
}
