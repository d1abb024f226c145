"""PyTorch reference for the transformer benchmark: the same GPT, steps and token counts.

Prints one JSON object {case key: {"medianMs": ..., "cpuMs": ..., "runs": ...}, "_meta": {...}} on stdout
(wall-clock and process CPU-time medians: on a shared machine the CPU time is the steadier figure).
Usage: python3 torch_reference.py [--quick] [--threads N] [case keys...]
The model is nanoGPT's (pre-norm blocks, exact GELU, tied weights, learned
positions) with the attention written out as softmax(q·kᵀ/√d + mask)·v and
an optional KV cache, trained with AdamW; generation samples with
torch.multinomial at temperature 1, one token at a time.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = "--quick" in sys.argv
args = [a for a in sys.argv[1:] if not a.startswith("--")]
if "--threads" in sys.argv:
    n = int(sys.argv[sys.argv.index("--threads") + 1])
    torch.set_num_threads(n)
    args = [a for a in args if a != str(n)]
WANTED = args
V, BLOCK, LAYERS, HEADS, EMBD, BATCH, GENERATED = 65, 128, 4, 4, 128, 16, 127


def measure(run, min_ms=2000.0, min_runs=5, max_runs=200, warmup=2):
    if QUICK:
        min_ms, min_runs, max_runs, warmup = 0.0, 2, 2, 1
    for _ in range(warmup):
        run()
    samples, cpu = [], []
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs or (time.perf_counter() - start) * 1e3 < min_ms):
        t0, c0 = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return {"medianMs": median(samples), "cpuMs": median(cpu), "runs": len(samples)}


def median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(EMBD, 3 * EMBD)
        self.c_proj = nn.Linear(EMBD, EMBD)

    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = [t.view(B, T, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v)]
        past = 0
        if cache is not None:
            if cache.get("k") is not None:
                past = cache["k"].shape[2]
                k = torch.cat([cache["k"], k], 2)
                v = torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // HEADS)
        if T > 1:
            mask = torch.ones(T, past + T, dtype=torch.bool).tril(diagonal=past)
            att = att.masked_fill(~mask, float("-inf"))
        y = att.softmax(-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(EMBD), Attention(), nn.LayerNorm(EMBD)
        self.mlp = nn.Sequential(nn.Linear(EMBD, 4 * EMBD), nn.GELU(), nn.Linear(4 * EMBD, EMBD))

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, EMBD), nn.Embedding(BLOCK, EMBD)
        self.h = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(EMBD)
        self.lm_head = nn.Linear(EMBD, V, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, idx, caches=None, past=0):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(past, past + T))
        for i, b in enumerate(self.h):
            x = b(x, None if caches is None else caches[i])
        return self.lm_head(self.ln_f(x))


torch.manual_seed(0)
model = GPT()
results = {}

if not WANTED or "gpt-train-step" in WANTED:
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(0, V, (BATCH, BLOCK))
    y = torch.randint(0, V, (BATCH, BLOCK))

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x).view(-1, V), y.view(-1))
        loss.backward()
        opt.step()
        loss.item()

    results["gpt-train-step"] = measure(train_step)


def generate(use_cache):
    def run():
        g = torch.Generator().manual_seed(1)
        idx = torch.zeros(1, 1, dtype=torch.long)
        caches = [dict() for _ in range(LAYERS)] if use_cache else None
        with torch.no_grad():
            for step in range(GENERATED):
                if use_cache:
                    logits = model(idx[:, -1:] if step else idx, caches, past=0 if step == 0 else idx.shape[1] - 1)
                else:
                    logits = model(idx)
                probs = logits[:, -1].softmax(-1)
                idx = torch.cat([idx, torch.multinomial(probs, 1, generator=g)], 1)
    return run


model.eval()
if not WANTED or "gpt-generate-kv" in WANTED:
    results["gpt-generate-kv"] = measure(generate(True))
if not WANTED or "gpt-generate-full" in WANTED:
    results["gpt-generate-full"] = measure(generate(False))
results["_meta"] = {"torch": torch.__version__, "threads": str(torch.get_num_threads())}
print(json.dumps(results))
