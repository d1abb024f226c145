"""Native anchor for webgrad's CPU benchmark: the same cases in hand-written numpy.

Prints one JSON object {case key: {"medianMs": ..., "runs": ...}} on stdout.
Usage: python3 numpy_anchor.py [--quick] [case keys...]
Gradients and the Adam update are written out by hand (no autograd), the
way a careful native implementation would do it, so this is a lower bound
on what the step costs on this machine with OpenBLAS.
"""
import json
import sys
import time

import numpy as np

QUICK = "--quick" in sys.argv
WANTED = [a for a in sys.argv[1:] if not a.startswith("--")]
rng = np.random.default_rng(0)
f32 = np.float32


def measure(run, min_ms=2000.0, min_runs=5, max_runs=200, warmup=2):
    if QUICK:
        min_ms, min_runs, max_runs, warmup = 0.0, 2, 2, 1
    for _ in range(warmup):
        run()
    samples = []
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs or (time.perf_counter() - start) * 1e3 < min_ms):
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) * 1e3)
    return {"medianMs": float(np.median(samples)), "runs": len(samples)}


class Adam:
    def __init__(self, params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        self.p, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        bc1, bc2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        for p, g, m, v in zip(self.p, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= self.lr * (m / bc1) / (np.sqrt(v / bc2) + self.eps)


def softmax_xent(z, y):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = z.shape[0]
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1
    return loss, p / n


def matmul_case(n):
    a = rng.standard_normal((n, n), dtype=f32)
    b = rng.standard_normal((n, n), dtype=f32)
    return lambda: a @ b


def mlp_case():
    sizes = [784, 256, 256, 10]
    ws = [(rng.uniform(-1, 1, (sizes[i + 1], sizes[i])) / np.sqrt(sizes[i])).astype(f32) for i in range(3)]
    bs = [np.zeros(sizes[i + 1], f32) for i in range(3)]
    opt = Adam(ws + bs)
    x = rng.standard_normal((128, 784), dtype=f32)
    y = rng.integers(0, 10, 128)

    def step():
        a1 = x @ ws[0].T + bs[0]
        h1 = np.maximum(a1, 0)
        a2 = h1 @ ws[1].T + bs[1]
        h2 = np.maximum(a2, 0)
        loss, dz = softmax_xent(h2 @ ws[2].T + bs[2], y)
        dw3, db3 = dz.T @ h2, dz.sum(0)
        dh2 = (dz @ ws[2]) * (a2 > 0)
        dw2, db2 = dh2.T @ h1, dh2.sum(0)
        dh1 = (dh2 @ ws[1]) * (a1 > 0)
        dw1, db1 = dh1.T @ x, dh1.sum(0)
        opt.step([dw1, dw2, dw3, db1, db2, db3])
        return float(loss)

    return step


def lstm_case(H=128, V=65, E=128, T=64, B=32):
    k = 1 / np.sqrt(H)
    emb = rng.standard_normal((V, E), dtype=f32)
    w_ih = (rng.uniform(-k, k, (4 * H, E))).astype(f32)
    w_hh = (rng.uniform(-k, k, (4 * H, H))).astype(f32)
    bias = (rng.uniform(-k, k, 4 * H)).astype(f32)
    w_out = (rng.uniform(-k, k, (V, H))).astype(f32)
    b_out = (rng.uniform(-k, k, V)).astype(f32)
    params = [emb, w_ih, w_hh, bias, w_out, b_out]
    opt = Adam(params)
    tokens = rng.integers(0, V, (T, B))
    targets = rng.integers(0, V, T * B)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def step():
        x = emb[tokens]  # [T, B, E]
        xp = x.reshape(T * B, E) @ w_ih.T + bias
        xp = xp.reshape(T, B, 4 * H)
        h = np.zeros((T + 1, B, H), f32)
        c = np.zeros((T + 1, B, H), f32)
        gates = np.empty((T, B, 4 * H), f32)
        tc = np.empty((T, B, H), f32)
        for t in range(T):
            g = xp[t] + h[t] @ w_hh.T
            g[:, :2 * H] = sigmoid(g[:, :2 * H])
            g[:, 2 * H:3 * H] = np.tanh(g[:, 2 * H:3 * H])
            g[:, 3 * H:] = sigmoid(g[:, 3 * H:])
            gates[t] = g
            c[t + 1] = g[:, H:2 * H] * c[t] + g[:, :H] * g[:, 2 * H:3 * H]
            tc[t] = np.tanh(c[t + 1])
            h[t + 1] = g[:, 3 * H:] * tc[t]
        hs = h[1:].reshape(T * B, H)
        loss, dz = softmax_xent(hs @ w_out.T + b_out, targets)
        dw_out, db_out = dz.T @ hs, dz.sum(0)
        dhs = (dz @ w_out).reshape(T, B, H)
        dgates = np.empty_like(gates)
        dh = np.zeros((B, H), f32)
        dc = np.zeros((B, H), f32)
        for t in reversed(range(T)):
            g = gates[t]
            i, f, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
            dh = dh + dhs[t]
            do = dh * tc[t]
            dc = dc + dh * o * (1 - tc[t] ** 2)
            di, df, dgg = dc * gg, dc * c[t], dc * i
            dc = dc * f
            dg = dgates[t]
            dg[:, :H] = di * i * (1 - i)
            dg[:, H:2 * H] = df * f * (1 - f)
            dg[:, 2 * H:3 * H] = dgg * (1 - gg * gg)
            dg[:, 3 * H:] = do * o * (1 - o)
            dh = dg @ w_hh
        dg2 = dgates.reshape(T * B, 4 * H)
        dw_hh = np.einsum("tbg,tbh->gh", dgates, h[:-1]).astype(f32)
        dw_ih = dg2.T @ x.reshape(T * B, E)
        dbias = dg2.sum(0)
        dx = dg2 @ w_ih
        demb = np.zeros_like(emb)
        np.add.at(demb, tokens.reshape(-1), dx)
        opt.step([demb, dw_ih, dw_hh, dbias, dw_out, db_out])
        return float(loss)

    return step


CASES = {
    "matmul-256": lambda: matmul_case(256),
    "matmul-512": lambda: matmul_case(512),
    "matmul-1024": lambda: matmul_case(1024),
    "mlp-step": mlp_case,
    "lstm-step": lstm_case,
}

if __name__ == "__main__":
    out = {}
    for key, make in CASES.items():
        if WANTED and key not in WANTED:
            continue
        out[key] = measure(make())
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas_name = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy has no dict mode
        blas_name = "unknown"
    out["_meta"] = {"numpy": np.__version__, "blas": blas_name}
    print(json.dumps(out))
