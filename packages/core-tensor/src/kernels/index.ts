// Registers every CPU kernel (imported once, for its side effects, by the package index).
import './elementwise.js';
import './fill.js';
import './reduce.js';
import './transpose.js';
import './expand.js';
import './slice.js';
import './concat.js';
import './gather.js';
import './softmax.js';
import './cumsum.js';
import './matmul.js';
import './unfold.js';
import './random.js';
