/**
 * A small vision transformer on the 8×8 handwritten digits.
 *
 *   tsx examples/vit-digits.ts [--steps=1000] [--threads=1]
 *
 * 80/20 train/test split (seed 0); each image is cut into 16 patches of 2×2
 * pixels, embedded in 32 features, prefixed by a class token, with learned
 * positions; 2 pre-norm encoder layers with 4 heads; AdamW (lr 3e-3, weight
 * decay 0.01), batches of 64. Prints the test accuracy every 250 steps and a
 * JSON summary last.
 */
import { configureCpu, indexSelect, manualSeed, narrow, randperm, reshape, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { crossEntropy } from '@webgrad/nn';
import { AdamW } from '@webgrad/optim';
import { loadDigits, trainTestSplit } from '@webgrad/data';
import { VisionTransformer } from '@webgrad/transformer';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const steps = Number(arg('steps', '1000'));
await configureCpu({ threads: Number(arg('threads', '1')) });
manualSeed(0);
const { images, labels } = loadDigits();
const { train, test } = trainTestSplit(1797, { testFraction: 0.2, seed: 0 });
const xTrain = reshape(indexSelect(images, 0, train), [-1, 1, 8, 8]);
const yTrain = indexSelect(labels, 0, train);
const xTest = reshape(indexSelect(images, 0, test), [-1, 1, 8, 8]);
const yTest = indexSelect(labels, 0, test);
const vit = new VisionTransformer({ imageSize: 8, patchSize: 2, numClasses: 10, dim: 32, depth: 2, heads: 4, mlpDim: 64 });
const opt = new AdamW(vit.parameters(), { lr: 3e-3, weightDecay: 0.01 });
const accuracy = (): number => {
  vit.eval();
  const a = tidy(() => noGrad(() => vit.forward(xTest).argmax(-1).eq(yTest).cast('float32').mean().item()));
  vit.train();
  return a;
};
const c0 = process.cpuUsage();
const curve: { step: number; loss: number; testAccuracy: number }[] = [];
let loss = 0;
for (let step = 1; step <= steps; step++) {
  loss = tidy(() => {
    const idx = narrow(randperm(xTrain.shape[0]!), 0, 0, 64);
    const l = crossEntropy(vit.forward(indexSelect(xTrain, 0, idx)), indexSelect(yTrain, 0, idx));
    opt.zeroGrad();
    l.backward();
    opt.step();
    return l.item();
  });
  if (step % 250 === 0 || step === steps) {
    const a = accuracy();
    curve.push({ step, loss, testAccuracy: a });
    console.log(`step ${step}: train loss ${loss.toFixed(4)}, test accuracy ${(100 * a).toFixed(1)}%`);
  }
}
const u = process.cpuUsage(c0);
const summary = { params: vit.numParameters(), trainImages: xTrain.shape[0], testImages: xTest.shape[0], steps, cpuSeconds: (u.user + u.system) / 1e6, testAccuracy: curve[curve.length - 1]!.testAccuracy, curve };
console.log(JSON.stringify(summary));
process.exit(0);
