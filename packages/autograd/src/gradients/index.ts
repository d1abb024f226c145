// Registers every gradient (imported once by the package index).
import './elementwise.js';
import './reduce.js';
import './shape.js';
import './indexing.js';
import './softmax.js';
