import { LineChart } from '../line-chart.js';
import { byId, mountWorkerPage } from '../worker-page.js';
import type { RnnVsLstmView } from '../trainers/rnn-vs-lstm.js';

const flowChart = new LineChart(byId('flow-chart'), {
  title: '‖∂L/∂h_t‖ by time step t',
  xLabel: 't',
  series: ['RNN', 'LSTM'],
});

mountWorkerPage<RnnVsLstmView>({
  trainer: 'rnn-vs-lstm',
  series: ['RNN', 'LSTM'],
  render({ rnn, lstm }) {
    flowChart.set(
      rnn.map((_, t) => t),
      [rnn, lstm],
    );
    const ratio = (norms: number[]): string => (norms[0]! / norms.at(-1)!).toExponential(1);
    byId('extra-status').textContent =
      `‖∂L/∂h_0‖ / ‖∂L/∂h_T−1‖: RNN ${ratio(rnn)}, LSTM ${ratio(lstm)}`;
  },
});
