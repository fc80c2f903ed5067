#!/usr/bin/env python3
"""PyTorch reference for `phi4j bench train`: the phi4j decoder, optimizer and step in PyTorch.

Same architecture as dev.phi4j.trainer.model.PhiDecoder: token embedding; pre-norm blocks of RMSNorm, causal
grouped-query attention with rotate-half RoPE (base 10,000), SwiGLU MLP; final RMSNorm; untied bias-free LM head.
Same initialisation (normal 0.02; wo and w_down scaled by 1/sqrt(2·layers)), same step as phi4j's TrainStep: mean
token cross-entropy, global-norm clipping at 1.0, AdamW (lr 3e-4, betas 0.9/0.95, eps 1e-8, weight decay 0.1 on the
matrices only, not on the embedding or norm gains). Trains on fixed random tokens and prints one JSON line.

Needs Debian's python3-torch (apt-get install -y python3-torch); it is a yardstick, never a dependency of phi4j.
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


class Block(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = a.heads, a.kv_heads, a.d_model // a.heads
        self.attention_norm = RMSNorm(a.d_model, 1e-5)
        self.wq = nn.Linear(a.d_model, a.heads * self.head_dim, bias=False)
        self.wk = nn.Linear(a.d_model, a.kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(a.d_model, a.kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(a.heads * self.head_dim, a.d_model, bias=False)
        self.mlp_norm = RMSNorm(a.d_model, 1e-5)
        self.w_gate = nn.Linear(a.d_model, a.ffn, bias=False)
        self.w_up = nn.Linear(a.d_model, a.ffn, bias=False)
        self.w_down = nn.Linear(a.ffn, a.d_model, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        h = self.attention_norm(x)
        q = self.wq(h).view(b, t, self.heads, self.head_dim).transpose(1, 2)        # (B, H, T, hd)
        k = self.wk(h).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)     # (B, kv, T, hd)
        v = self.wv(h).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        if group > 1:
            k = k.repeat_interleave(group, dim=1)
            v = v.repeat_interleave(group, dim=1)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim) + mask           # (B, H, T, T)
        y = F.softmax(scores, dim=-1) @ v                                           # (B, H, T, hd)
        x = x + self.wo(y.transpose(1, 2).reshape(b, t, -1))
        h = self.mlp_norm(x)
        return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))


class Decoder(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embedding = nn.Embedding(a.vocab, a.d_model)
        self.blocks = nn.ModuleList([Block(a) for _ in range(a.layers)])
        self.final_norm = RMSNorm(a.d_model, 1e-5)
        self.lm_head = nn.Linear(a.d_model, a.vocab, bias=False)
        head_dim = a.d_model // a.heads
        inv_freq = 10_000.0 ** (-torch.arange(0, head_dim, 2).float() / head_dim)
        angles = torch.arange(a.seq).float()[:, None] * inv_freq[None, :]
        angles = torch.cat([angles, angles], dim=-1)                                 # rotate-half layout
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)
        self.register_buffer("mask", torch.full((a.seq, a.seq), -1e9).triu(1), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * a.layers) if name.endswith(("wo.weight", "w_down.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, tokens):
        x = self.embedding(tokens)
        for block in self.blocks:
            x = block(x, self.cos, self.sin, self.mask)
        return self.lm_head(self.final_norm(x))


def peak_rss_bytes():
    """VmHWM of this process image. Not ru_maxrss, which after exec keeps the parent's peak (the JVM's here)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def gemm_peak(n=1024, rounds=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    fastest = float("inf")
    for i in range(rounds + 2):
        start = time.perf_counter()
        torch.mm(a, b)
        if i >= 2:
            fastest = min(fastest, time.perf_counter() - start)
    return 2.0 * n ** 3 / fastest


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vocab", type=int, default=8192)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=704)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--micro-batch", type=int, default=8)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()

    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    model = Decoder(a)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and not n.startswith("embedding")]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() == 2 and not n.startswith("embedding"))]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=3e-4, betas=(0.9, 0.95), eps=1e-8)
    tokens = torch.randint(0, a.vocab, (a.micro_batch, a.seq))
    labels = torch.randint(0, a.vocab, (a.micro_batch, a.seq))

    def step():
        loss = F.cross_entropy(model(tokens).view(-1, a.vocab), labels.view(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    first = [step() for _ in range(a.warmup_steps)]
    start = time.perf_counter()
    last = [step() for _ in range(a.steps)]
    seconds = (time.perf_counter() - start) / a.steps
    params = sum(p.numel() for p in model.parameters())
    flops_per_token = 6.0 * (params - a.vocab * a.d_model) + 6.0 * a.layers * a.seq * a.d_model
    tokens_per_s = a.micro_batch * a.seq / seconds
    peak = gemm_peak()
    print(json.dumps({
        "framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
        "tokens_per_s": tokens_per_s, "step_s": seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "peak_flops": peak, "mfu": tokens_per_s * flops_per_token / peak, "parameters": params,
        "first_loss": first[0] if first else None, "last_loss": last[-1]}))


if __name__ == "__main__":
    main()
