#!/usr/bin/env python3
"""A tiny random Phi3ForCausalLM checkpoint and the logits an independent PyTorch forward computes for it.

phi4j's HF import is checked against this (trainer's Phi3ParityTest). transformers is not needed: the forward below
follows transformers' modeling_phi3.py (v4.47) step by step:

  x = embed_tokens[ids]
  per layer: h = rms_norm(x) * input_layernorm
             q | k | v = h @ qkv_proj.T                 fused, rows in the order q, k, v
             q, k = q*cos + rotate_half(q)*sin, ...     rotate_half([x1, x2]) = [-x2, x1] over the two halves of a head,
                                                        inv_freq = 1 / rope_theta^(2j/head_dim), halves duplicated
             k, v repeated per query head (repeat_kv: kv head j serves query heads j*n_rep .. (j+1)*n_rep-1)
             x = x + softmax(q k^T / sqrt(head_dim) + causal) v @ o_proj.T
             h = rms_norm(x) * post_attention_layernorm
             gate | up = h @ gate_up_proj.T             fused, gate first (up_states.chunk(2, dim=-1))
             x = x + (up * silu(gate)) @ down_proj.T
  logits = rms_norm(x) * norm @ lm_head.T               untied head

Everything is computed in float64 from the stored weights, so the reference carries no rounding of its own beyond
the storage type. Weights are scaled so that attention is far from uniform (a RoPE or head-order mistake shows).

Writes into --out:
  f32/            config.json, model.safetensors (F32, one file), expected.json (tokens, logits)
  bf16-sharded/   the same weights rounded to bfloat16, stored BF16 in two shards with model.safetensors.index.json
  dtypes.safetensors   one vector stored as F32 and as torch's own F16 and BF16 conversions of it (rounding,
                  subnormals, overflow), for the dtype decoders and encoders

Usage: /usr/bin/python3 scripts/phi3_reference.py --out trainer/src/test/resources/hf/phi3-tiny
"""
import argparse
import json
import math
import os
import struct

import torch

SEED = 1234
TOKENS_SEED = 99
BATCH, LENGTH = 2, 8

CONFIG = {
    "architectures": ["Phi3ForCausalLM"],
    "model_type": "phi3",
    "vocab_size": 64,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "hidden_act": "silu",
    "max_position_embeddings": 16,
    "original_max_position_embeddings": 16,
    "rope_theta": 500.0,
    "rope_scaling": None,
    "rms_norm_eps": 1e-05,
    "tie_word_embeddings": False,
    "sliding_window": None,
    "attention_bias": False,
    "attention_dropout": 0.0,
    "embd_pdrop": 0.0,
    "resid_pdrop": 0.0,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "torch_dtype": "float32",
}


def random_weights(cfg):
    """Float64 weights in the Phi3ForCausalLM state-dict names and shapes (nn.Linear: (out, in))."""
    g = torch.Generator().manual_seed(SEED)
    d, heads, kv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd, ffn, vocab = d // heads, cfg["intermediate_size"], cfg["vocab_size"]

    def normal(*shape, std):
        return torch.randn(*shape, generator=g, dtype=torch.float64) * std

    w = {"model.embed_tokens.weight": normal(vocab, d, std=1.0)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + normal(d, std=0.2)
        w[p + "self_attn.qkv_proj.weight"] = normal((heads + 2 * kv) * hd, d, std=1.5 / math.sqrt(d))
        w[p + "self_attn.o_proj.weight"] = normal(d, heads * hd, std=1 / math.sqrt(d))
        w[p + "post_attention_layernorm.weight"] = 1 + normal(d, std=0.2)
        w[p + "mlp.gate_up_proj.weight"] = normal(2 * ffn, d, std=1 / math.sqrt(d))
        w[p + "mlp.down_proj.weight"] = normal(d, ffn, std=1 / math.sqrt(ffn))
    w["model.norm.weight"] = 1 + normal(d, std=0.2)
    w["lm_head.weight"] = normal(vocab, d, std=2 / math.sqrt(d))
    return w


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(w, cfg, ids):
    """Logits (B, T, vocab) in float64."""
    d, heads, kv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd, eps = d // heads, cfg["rms_norm_eps"]
    b, t = ids.shape
    x = w["model.embed_tokens.weight"][ids]                                            # (B, T, d)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)                                            # (T, hd)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        qkv = h @ w[p + "self_attn.qkv_proj.weight"].T
        q = qkv[..., : heads * hd].view(b, t, heads, hd).transpose(1, 2)               # (B, H, T, hd)
        k = qkv[..., heads * hd: (heads + kv) * hd].view(b, t, kv, hd).transpose(1, 2)
        v = qkv[..., (heads + kv) * hd:].view(b, t, kv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv, dim=1)                                    # repeat_kv
        v = v.repeat_interleave(heads // kv, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + causal                      # (B, H, T, T)
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, heads * hd)
        x = x + attended @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate, up = (h @ w[p + "mlp.gate_up_proj.weight"].T).chunk(2, dim=-1)
        x = x + (up * torch.nn.functional.silu(gate)) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["lm_head.weight"].T


def tensor_bytes(t, dtype):
    """Little-endian bytes of t stored as dtype (F32, F16, BF16), as torch converts it."""
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float32).to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        return t.to(torch.float32).to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, dtype, shape, bytes). Header padded with spaces to 8 bytes, as the reference writer."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for _, _, _, data in tensors:
            out.write(data)


def write_checkpoint(directory, cfg, weights, dtype, shards):
    os.makedirs(directory, exist_ok=True)
    config = dict(cfg, torch_dtype={"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[dtype])
    with open(os.path.join(directory, "config.json"), "w") as out:
        json.dump(config, out, indent=2)
    names = list(weights)
    per_shard = math.ceil(len(names) / shards)
    groups = [names[i:i + per_shard] for i in range(0, len(names), per_shard)]
    weight_map, total = {}, 0
    for s, group in enumerate(groups):
        file = "model.safetensors" if shards == 1 else f"model-{s + 1:05d}-of-{len(groups):05d}.safetensors"
        entries = [(n, dtype, weights[n].shape, tensor_bytes(weights[n], dtype)) for n in group]
        write_safetensors(os.path.join(directory, file), entries, {"format": "pt"})
        for n, _, _, data in entries:
            weight_map[n] = file
            total += len(data)
    if shards > 1:
        with open(os.path.join(directory, "model.safetensors.index.json"), "w") as out:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, out, indent=2)


def stored(weights, dtype):
    """The weights as a loader reads them back: rounded to dtype, then widened to float64."""
    return {n: w.to(torch.float32).to({"F32": torch.float32, "BF16": torch.bfloat16}[dtype]).to(torch.float64)
            for n, w in weights.items()}


def write_expected(directory, cfg, weights, ids):
    logits = forward(weights, cfg, ids)
    with open(os.path.join(directory, "expected.json"), "w") as out:
        json.dump({"tokens": ids.tolist(),
                   "logits": [[[float(f"{v:.12g}") for v in row] for row in seq] for seq in logits.tolist()]},
                  out, separators=(",", ":"))
    return logits


def write_dtypes(path):
    """One vector as F32, and as torch's F16 and BF16 of it: ties, subnormals, overflow, signed zero, infinities."""
    g = torch.Generator().manual_seed(SEED + 1)
    special = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 65520.0, 1e6, -1e6, 6.0e-8, 3.0e-8, 1.0e-5, -6.1e-5,
                            1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, 1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11,
                            float("inf"), float("-inf"), 3.4e38, 1e-40], dtype=torch.float32)
    values = torch.cat((special, torch.randn(44, generator=g) * 10 ** torch.randint(-6, 6, (44,), generator=g)))
    n = values.numel()
    write_safetensors(path, [(name, name, (n,), tensor_bytes(values, name)) for name in ("F32", "F16", "BF16")])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write the checkpoints and expected logits into")
    args = parser.parse_args()
    cfg = CONFIG
    weights = random_weights(cfg)
    ids = torch.randint(0, cfg["vocab_size"], (BATCH, LENGTH), generator=torch.Generator().manual_seed(TOKENS_SEED))
    for variant, dtype, shards in (("f32", "F32", 1), ("bf16-sharded", "BF16", 2)):
        directory = os.path.join(args.out, variant)
        write_checkpoint(directory, cfg, weights, dtype, shards)
        logits = write_expected(directory, cfg, stored(weights, dtype), ids)
        print(f"{directory}: logits {tuple(logits.shape)}, |logit| max {logits.abs().max().item():.3f}")
    write_dtypes(os.path.join(args.out, "dtypes.safetensors"))


if __name__ == "__main__":
    main()
