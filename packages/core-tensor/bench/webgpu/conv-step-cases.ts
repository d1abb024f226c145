import { randint, randn, relu, setBackend } from '@webgrad/core-tensor';
import { Conv2d, crossEntropy, Linear, MaxPool2d, mseLoss } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import type { Tfjs } from '../bench-case.js';
import { adamStep, type GpuBenchCase } from './webgpu-cases.js';

// Convolution training steps on WebGPU: webgrad's Conv2d (forward conv2dGemm, backward
// convTranspose2dGemm + conv2dWeightGradGemm) against tfjs-backend-webgpu's conv2d and its
// gradients, in each library's own layout (NCHW for webgrad as PyTorch, NHWC for tfjs).

type TfTensor = ReturnType<Tfjs['randomNormal']>;

/** Multiply-adds ×2 of one conv2d forward; a training step is ≈ 3 of them (forward, input and weight gradients). */
function convFlops(
  n: number,
  cin: number,
  cout: number,
  k: number,
  oh: number,
  ow: number,
): number {
  return 2 * n * cout * oh * ow * cin * k * k;
}

const LENET_BATCH = 64;

/**
 * LeNet-5 on 28×28 digits-size images, batch 64, Adam: conv 1→6 5×5 (padding 2), ReLU,
 * max-pool 2, conv 6→16 5×5, ReLU, max-pool 2, then 400-120-84-10.
 */
export const lenetStep: GpuBenchCase = {
  key: 'conv-lenet-step',
  title: `LeNet-5 train step (conv 1→6→16 5×5, 28×28), batch ${LENET_BATCH}, Adam, on WebGPU`,
  flops:
    3 *
    (convFlops(LENET_BATCH, 1, 6, 5, 28, 28) +
      convFlops(LENET_BATCH, 6, 16, 5, 10, 10) +
      2 * LENET_BATCH * (400 * 120 + 120 * 84 + 84 * 10)),
  webgrad() {
    setBackend('webgpu');
    const c1 = new Conv2d(1, 6, 5, { padding: 2 });
    const c2 = new Conv2d(6, 16, 5);
    const pool = new MaxPool2d(2);
    const fcs = [new Linear(400, 120), new Linear(120, 84), new Linear(84, 10)];
    const params = [c1, c2, ...fcs].flatMap((m) => m.parameters());
    const adam = new Adam(params, { lr: 1e-3 });
    const x = randn([LENET_BATCH, 1, 28, 28]);
    const labels = randint(0, 10, [LENET_BATCH]);
    return {
      run: adamStep(adam, () => {
        const h = pool
          .forward(relu(c2.forward(pool.forward(relu(c1.forward(x))))))
          .reshape([LENET_BATCH, 400]);
        return crossEntropy(
          fcs[2]!.forward(relu(fcs[1]!.forward(relu(fcs[0]!.forward(h))))),
          labels,
        );
      }),
      dispose() {
        for (const t of [...params, x, labels]) t.dispose();
        setBackend('cpu');
      },
    };
  },
  tfjs(tf) {
    const v = (shape: number[]) => tf.variable(tf.randomUniform(shape, -0.1, 0.1));
    const k1 = v([5, 5, 1, 6]);
    const b1 = v([6]);
    const k2 = v([5, 5, 6, 16]);
    const b2 = v([16]);
    const ws = [v([400, 120]), v([120, 84]), v([84, 10])];
    const bs = [v([120]), v([84]), v([10])];
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const x = tf.randomNormal([LENET_BATCH, 28, 28, 1]);
    const y = tf.oneHot(tf.randomUniform([LENET_BATCH], 0, 10, 'int32'), 10);
    const dense = (h: TfTensor, i: number) => tf.add(tf.matMul(h, ws[i]!), bs[i]!);
    const forward = () => {
      const h1 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(x as never, k1 as never, 1, 'same'), b1)) as never,
        2,
        2,
        'valid',
      );
      const h2 = tf.maxPool(
        tf.relu(tf.add(tf.conv2d(h1, k2 as never, 1, 'valid'), b2)) as never,
        2,
        2,
        'valid',
      );
      return dense(tf.relu(dense(tf.relu(dense(tf.reshape(h2, [LENET_BATCH, 400]), 0)), 1)), 2);
    };
    return {
      async run() {
        const loss = tf.tidy(() =>
          opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward()), true)!,
        );
        await loss.data();
        loss.dispose();
      },
      dispose() {
        opt.dispose();
        tf.dispose([k1, b1, k2, b2, ...ws, ...bs, x, y]);
      },
    };
  },
};

const BLOCK_BATCH = 8;
const BLOCK_C = 32;
const BLOCK_HW = 32;

/**
 * A U-Net residual block's convolutions (generative-diffusion's UNet at base width 32): x + conv(ReLU(conv(x))),
 * two 3×3 convs 32→32 (padding 1) on 32×32, batch 8, MSE to a target, Adam.
 */
export const unetBlockStep: GpuBenchCase = {
  key: 'conv-unet-block-step',
  title: `U-Net block train step (2 × conv ${BLOCK_C}→${BLOCK_C} 3×3, ${BLOCK_HW}×${BLOCK_HW}), batch ${BLOCK_BATCH}, Adam, on WebGPU`,
  flops: 3 * 2 * convFlops(BLOCK_BATCH, BLOCK_C, BLOCK_C, 3, BLOCK_HW, BLOCK_HW),
  webgrad() {
    setBackend('webgpu');
    const c1 = new Conv2d(BLOCK_C, BLOCK_C, 3, { padding: 1 });
    const c2 = new Conv2d(BLOCK_C, BLOCK_C, 3, { padding: 1 });
    const params = [...c1.parameters(), ...c2.parameters()];
    const adam = new Adam(params, { lr: 1e-3 });
    const x = randn([BLOCK_BATCH, BLOCK_C, BLOCK_HW, BLOCK_HW]);
    const target = randn([BLOCK_BATCH, BLOCK_C, BLOCK_HW, BLOCK_HW]);
    return {
      run: adamStep(adam, () => mseLoss(x.add(c2.forward(relu(c1.forward(x)))), target)),
      dispose() {
        for (const t of [...params, x, target]) t.dispose();
        setBackend('cpu');
      },
    };
  },
  tfjs(tf) {
    const v = (shape: number[]) => tf.variable(tf.randomUniform(shape, -0.06, 0.06));
    const k1 = v([3, 3, BLOCK_C, BLOCK_C]);
    const b1 = v([BLOCK_C]);
    const k2 = v([3, 3, BLOCK_C, BLOCK_C]);
    const b2 = v([BLOCK_C]);
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const x = tf.randomNormal([BLOCK_BATCH, BLOCK_HW, BLOCK_HW, BLOCK_C]);
    const target = tf.randomNormal([BLOCK_BATCH, BLOCK_HW, BLOCK_HW, BLOCK_C]);
    const conv = (h: TfTensor, k: TfTensor, b: TfTensor) =>
      tf.add(tf.conv2d(h as never, k as never, 1, 'same'), b);
    return {
      async run() {
        const loss = tf.tidy(() =>
          opt.minimize(
            () =>
              tf.losses.meanSquaredError(target, tf.add(x, conv(tf.relu(conv(x, k1, b1)), k2, b2))),
            true,
          )!,
        );
        await loss.data();
        loss.dispose();
      },
      dispose() {
        opt.dispose();
        tf.dispose([k1, b1, k2, b2, x, target]);
      },
    };
  },
};
