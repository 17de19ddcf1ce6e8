#!/usr/bin/python3
"""A PyTorch-eager twin of PSR Studio's DiT (core/model/dit.cpp, dit_blocks.cpp, rope.cpp): the
FLUX.1 layout with double-stream blocks (joint attention over text + target + references),
single-stream blocks, QK-RMSNorm, adaLN modulation, 3-axis RoPE, reference tokens modulated by
the clean timestep (t = 0, no text) that attend only to themselves, the text padding mask, the
per-sample reference `present` mask, and x0 -> velocity. It reads a checkpoint-style config.json
and the DiT's safetensors weights (FLUX names) with nothing but the standard library and
Debian's python3-torch, so the C++ engine can be checked for parity and speed against Python.

    /usr/bin/python3 dit_twin.py DIR [--threads T] [--time N] [--linear aten|libtorch-cpp]

DIR is what tests/model/twin_dump writes: config.json, dit.safetensors, inputs.safetensors and
(optionally) output.safetensors. Prints one JSON object: max |twin - C++| when the C++ output is
there, and with --time the median forward / forward+backward wall and process-CPU ms over N
runs after a warm-up.

--linear picks the arithmetic of every Linear layer. "aten" (default) is plain nn.Linear, i.e.
at::linear, which runs a 3-D input as one fused addmm (bias added inside the GEMM). LibTorch
1.13's C++ torch::nn::Linear (torch/nn/functional/linear.h) does that only for 2-D inputs and
otherwise runs matmul and then `output += bias`: the same function, rounded differently (and one
extra pass over the output). "libtorch-cpp" reproduces that order, which makes the twin's output
bitwise equal to the C++ one; "aten" agrees to float rounding (docs/generator.md, Python twin).
"""
import json
import math
import os
import struct
import sys
import time

try:
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError as e:  # the parity test must fail, not skip, on a machine without it
    sys.exit(f"dit_twin: cannot import torch ({e}); install Debian's python3-torch "
             f"(packaging/install-deps.sh) and run with /usr/bin/python3")

TIME_EMBED_DIM = 256  # FLUX's sinusoidal timestep width before time_in
LINEAR_MODES = ("aten", "libtorch-cpp")
_linear_mode = "aten"


def set_linear_mode(mode):
    global _linear_mode
    if mode not in LINEAR_MODES:
        raise ValueError(f"--linear must be one of {', '.join(LINEAR_MODES)}, got {mode!r}")
    _linear_mode = mode


# ---- safetensors ---------------------------------------------------------------------------
_DTYPES = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16,
    "I32": torch.int32, "I64": torch.int64, "F16": torch.float16, "BF16": torch.bfloat16,
    "F32": torch.float32, "F64": torch.float64,
}


def load_safetensors(path):
    """{name: tensor}: 8-byte little-endian header length N, N bytes of JSON, then the data
    buffer that every tensor's [begin, end) data_offsets index into."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} runs past the file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = bytearray(blob[8 + n:])  # writable, so torch.frombuffer does not warn
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = math.prod(shape)
        if count == 0:
            out[name] = torch.empty(shape, dtype=dtype)
            continue
        if not 0 <= begin <= end <= len(data) or torch.empty(0, dtype=dtype).element_size() * count != end - begin:
            raise ValueError(f"{path}: {name} has bytes [{begin}, {end}) for shape {shape} {info['dtype']}")
        t = torch.frombuffer(data, dtype=dtype, count=count, offset=begin)
        out[name] = t.reshape(shape).clone()  # own the memory, not the file's buffer
    return out


# ---- building blocks (state-dict names as FLUX / the C++ modules) ---------------------------
class Linear(nn.Linear):
    """nn.Linear, or with set_linear_mode("libtorch-cpp") the rounding of LibTorch's C++ Linear."""

    def forward(self, x):
        if _linear_mode == "aten" or (x.dim() == 2 and self.bias is not None):
            return F.linear(x, self.weight, self.bias)
        out = x.matmul(self.weight.t())
        if self.bias is not None:
            out += self.bias
        return out


def timestep_embedding(t, dim=TIME_EMBED_DIM, max_period=10000.0):
    """Sinusoidal embedding of t * 1000, cosines first; frequencies exp(-ln(P) * i / half)."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(max_period) / half))
    args = (t.float() * 1000.0)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def layer_norm(x):
    return F.layer_norm(x, (x.shape[-1],), eps=1e-6)


def modulate(x, shift, scale):
    return layer_norm(x) * (1 + scale) + shift


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-6)
        return (y * self.scale.float()).to(x.dtype)


class QKNorm(nn.Module):
    def __init__(self, head_dim):
        super().__init__()
        self.query_norm = RMSNorm(head_dim)
        self.key_norm = RMSNorm(head_dim)


class MLPEmbedder(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.in_layer = Linear(in_dim, hidden)
        self.out_layer = Linear(hidden, hidden)

    def forward(self, x):
        return self.out_layer(F.silu(self.in_layer(x)))


class Modulation(nn.Module):
    """lin(SiLU(vec)) split into (shift, scale, gate) triples of [B, 1, hidden]."""

    def __init__(self, hidden, double):
        super().__init__()
        self.triples = 2 if double else 1
        self.lin = Linear(hidden, 3 * self.triples * hidden)

    def forward(self, vec):
        parts = self.lin(F.silu(vec))[:, None, :].chunk(3 * self.triples, dim=-1)
        return [parts[3 * i:3 * i + 3] for i in range(self.triples)]


def split_heads(x, heads):
    """[B, L, H*D] -> [B, H, L, D]"""
    b, length, _ = x.shape
    return x.view(b, length, heads, -1).transpose(1, 2)


def merge_heads(x):
    """[B, H, L, D] -> [B, L, H*D]"""
    b, h, length, d = x.shape
    return x.transpose(1, 2).reshape(b, length, h * d)


def qkv_heads(qkv, heads, norm):
    q, k, v = qkv.chunk(3, dim=-1)
    return norm.query_norm(split_heads(q, heads)), norm.key_norm(split_heads(k, heads)), split_heads(v, heads)


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads, qkv_bias):
        super().__init__()
        self.heads = heads
        self.qkv = Linear(hidden, 3 * hidden, bias=qkv_bias)
        self.norm = QKNorm(hidden // heads)
        self.proj = Linear(hidden, hidden)


def feed_forward(hidden, mlp_hidden):
    # Sequential keys .0 and .2, as FLUX.
    return nn.Sequential(Linear(hidden, mlp_hidden), nn.GELU(approximate="tanh"), Linear(mlp_hidden, hidden))


class DoubleStreamBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, heads, mlp = cfg["hidden"], cfg["num_heads"], mlp_width(cfg)
        for stream in ("img", "txt"):
            setattr(self, f"{stream}_mod", Modulation(h, True))
            setattr(self, f"{stream}_attn", SelfAttention(h, heads, cfg["qkv_bias"]))
            setattr(self, f"{stream}_mlp", feed_forward(h, mlp))

    def project(self, stream, x, mod):
        """q, k, v of one stream's tokens from its first modulation triple."""
        shift, scale, _ = mod[0]
        attn = getattr(self, f"{stream}_attn")
        return qkv_heads(attn.qkv(modulate(x, shift, scale)), attn.heads, attn.norm)

    def update(self, stream, x, attn_out, mod):
        (_, _, gate1), (shift2, scale2, gate2) = mod
        x = x + gate1 * getattr(self, f"{stream}_attn").proj(attn_out)
        return x + gate2 * getattr(self, f"{stream}_mlp")(modulate(x, shift2, scale2))


class SingleStreamBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, mlp = cfg["hidden"], mlp_width(cfg)
        self.hidden, self.heads = h, cfg["num_heads"]
        self.linear1 = Linear(h, 3 * h + mlp)
        self.linear2 = Linear(h + mlp, h)
        self.norm = QKNorm(h // self.heads)
        self.modulation = Modulation(h, False)

    def project(self, x, mod):
        shift, scale, _ = mod[0]
        fused = self.linear1(modulate(x, shift, scale))
        qkv, mlp = torch.split(fused, [3 * self.hidden, fused.shape[-1] - 3 * self.hidden], dim=-1)
        return qkv_heads(qkv, self.heads, self.norm), mlp

    def update(self, x, attn_out, mlp, mod):
        gate = mod[0][2]
        return x + gate * self.linear2(torch.cat([attn_out, gelu_tanh(mlp)], dim=-1))


class LastLayer(nn.Module):
    def __init__(self, hidden, out_channels):
        super().__init__()
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), Linear(hidden, 2 * hidden))
        self.linear = Linear(hidden, out_channels)

    def forward(self, x, vec):
        shift, scale = self.adaLN_modulation(vec)[:, None, :].chunk(2, dim=-1)
        return self.linear(modulate(x, shift, scale))


class ReferenceCopy(nn.Module):
    """The reference pointer head (DitConfig::reference_copy): a positional (RoPE) and a content
    single-head attention from the target's last hidden states over the references' states that
    entered the last block, reading their raw tokens, mixed with final_layer's x0 by a gate."""
    GATE_SCALE = 8.0

    def __init__(self, hidden, head_dim):
        super().__init__()
        self.head_dim = head_dim
        self.query = Linear(hidden, 2 * head_dim)
        self.key = Linear(hidden, 2 * head_dim)
        self.gate = Linear(hidden, 3)

    def heads(self, lin, x, cos, sin):
        y = lin(layer_norm(x)).unflatten(-1, (2, self.head_dim)).transpose(1, 2)  # [B, 2, L, D]
        return torch.cat([apply_rope(y[:, :1], cos, sin), y[:, 1:]], dim=1)

    def forward(self, x0, hidden, img_rope, ref_hidden, ref_rope, ref_tokens, token_present):
        b = x0.shape[0]
        q = self.heads(self.query, hidden, *img_rope)
        k = self.heads(self.key, ref_hidden, *ref_rope)
        logits = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # [B, 2, N, Nr]
        g = self.gate(layer_norm(hidden)) * self.GATE_SCALE
        if token_present is not None:
            logits = logits.masked_fill(~token_present[:, None, None, :], -1e4)
            none = ~token_present.any(dim=1)
            g = g.masked_fill(none[:, None, None] & torch.tensor([False, True, True]), float("-inf"))
        copies = torch.matmul(torch.softmax(logits, dim=-1), ref_tokens.expand(b, -1, -1)[:, None])
        w = torch.softmax(g, dim=-1)
        return x0 * w[..., 0:1] + copies[:, 0] * w[..., 1:2] + copies[:, 1] * w[..., 2:3]


def mlp_width(cfg):
    return int(float(cfg["hidden"]) * cfg["mlp_ratio"])


# ---- RoPE ----------------------------------------------------------------------------------
def rope_tables(positions, axes_dim, theta):
    """cos, sin [L, head_dim / 2] of angles pos_a * theta^(-2i / d_a), axes concatenated (fp64)."""
    pos = positions.double()
    angles = []
    for a, d in enumerate(axes_dim):
        omega = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
        angles.append(pos[:, a:a + 1] * omega[None, :])
    angles = torch.cat(angles, dim=1)
    return torch.cos(angles).float(), torch.sin(angles).float()


def apply_rope(x, cos, sin):
    """Rotates the interleaved pairs (x[2i], x[2i+1]) of x [B, H, L, D]."""
    pairs = x.unflatten(-1, (-1, 2))
    x0, x1 = pairs[..., 0], pairs[..., 1]
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    return torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1).flatten(-2)


def attention(q, k, v, bias):
    scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if bias is not None:
        scores = scores + bias
    return torch.matmul(torch.softmax(scores, dim=-1), v)


# ---- the DiT -------------------------------------------------------------------------------
class DiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h = cfg["hidden"]
        self.img_in = Linear(cfg["in_channels"], h)
        self.time_in = MLPEmbedder(TIME_EMBED_DIM, h)
        self.vector_in = MLPEmbedder(cfg["vec_dim"], h)
        if cfg["guidance_embed"]:
            self.guidance_in = MLPEmbedder(TIME_EMBED_DIM, h)
        self.txt_in = Linear(cfg["context_dim"], h)
        self.double_blocks = nn.ModuleList([DoubleStreamBlock(cfg) for _ in range(cfg["depth_double"])])
        self.single_blocks = nn.ModuleList([SingleStreamBlock(cfg) for _ in range(cfg["depth_single"])])
        self.final_layer = LastLayer(h, cfg["in_channels"])
        if cfg.get("reference_copy", False):
            self.reference_copy = ReferenceCopy(h, h // cfg["num_heads"])

    def forward(self, img, img_positions, timesteps, txt, pooled, txt_mask=None, ref_tokens=None,
                ref_positions=None, ref_lengths=(), ref_present=None, guidance=None):
        """img [B, N, C], img_positions [N, 3], timesteps [B] (1 = noise), txt [B, Lt, ctx],
        pooled [B, vec], txt_mask [B, Lt] bool, ref_tokens [B or 1, Nr, C], ref_positions
        [Nr, 3], ref_lengths (tokens per reference), ref_present [B, refs] bool. -> velocity."""
        cfg = self.cfg
        b, ni, lt = img.shape[0], img.shape[1], txt.shape[1]
        ref_lengths = [int(n) for n in ref_lengths]
        has_refs = len(ref_lengths) > 0

        vec = self.time_in(timestep_embedding(timesteps)) + self.vector_in(pooled)
        if cfg["guidance_embed"]:
            vec = vec + self.guidance_in(timestep_embedding(guidance))
        pre = cfg.get("prediction", "velocity") == "preconditioned"
        s_data = 0.5  # data std the preconditioning assumes (pixels in [-1, 1])
        tt = timesteps.view(-1, 1, 1)
        d = (1 - tt) ** 2 * s_data ** 2 + tt ** 2  # Var(x_t) / 1 for unit noise
        x = self.img_in(img * torch.rsqrt(d) if pre else img)  # c_in(t)
        t = self.txt_in(txt)
        positions = [torch.zeros(lt, 3), img_positions]  # text at the origin
        if has_refs:
            r = self.img_in(ref_tokens / s_data if pre else ref_tokens).expand(b, -1, -1)  # c_in(0)
            vec_ref = self.time_in(timestep_embedding(torch.zeros(1)))  # clean timestep, no text
            positions.append(ref_positions)
        cos, sin = rope_tables(torch.cat(positions), cfg["axes_dim"], cfg["theta"])
        bias = self.joint_bias(b, lt, ni, ref_lengths, txt_mask, ref_present) if (
            txt_mask is not None or has_refs) else None

        def joint(groups):
            q = apply_rope(torch.cat([g[0] for g in groups], dim=2), cos, sin)
            k = apply_rope(torch.cat([g[1] for g in groups], dim=2), cos, sin)
            v = torch.cat([g[2] for g in groups], dim=2)
            return merge_heads(attention(q, k, v, bias))

        r_last = None  # the reference states entering the last block (the pointer head's keys)
        for block in self.double_blocks:
            r_last = r if has_refs else None
            m_img, m_txt = block.img_mod(vec), block.txt_mod(vec)
            groups = [block.project("txt", t, m_txt), block.project("img", x, m_img)]
            if has_refs:
                m_ref = block.img_mod(vec_ref)  # references use the image stream's weights
                groups.append(block.project("img", r, m_ref))
            out = joint(groups)
            t = block.update("txt", t, out[:, :lt], m_txt)
            x = block.update("img", x, out[:, lt:lt + ni], m_img)
            if has_refs:
                r = block.update("img", r, out[:, lt + ni:], m_ref)

        main = torch.cat([t, x], dim=1)
        for i, block in enumerate(self.single_blocks):
            r_last = r if has_refs else None
            m = block.modulation(vec)
            heads, mlp = block.project(main, m)
            groups = [heads]
            if has_refs:
                m_ref = block.modulation(vec_ref)
                ref_heads, ref_mlp = block.project(r, m_ref)
                groups.append(ref_heads)
            out = joint(groups)
            main = block.update(main, out[:, :lt + ni], mlp, m)
            if has_refs and i + 1 < len(self.single_blocks):  # the last update has no reader
                r = block.update(r, out[:, lt + ni:], ref_mlp, m_ref)

        pred = self.final_layer(main[:, lt:], vec)
        if cfg.get("reference_copy", False) and has_refs:
            present = None
            if ref_present is not None:
                segments = torch.cat([torch.full((n,), k) for k, n in enumerate(ref_lengths)])
                present = ref_present[:, segments]
            pred = self.reference_copy(pred, main[:, lt:], (cos[lt:lt + ni], sin[lt:lt + ni]), r_last,
                                       (cos[lt + ni:], sin[lt + ni:]), ref_tokens, present)
        if cfg.get("prediction", "velocity") == "velocity":
            return pred
        if pre:
            # x0 = c_skip x_t + c_out F, c_skip = (1 - t) s^2 / d, c_out = t s / sqrt(d), and
            # v = (x_t - x0) / t = x_t (t - (1 - t) s^2) / d - F s / sqrt(d).
            return img * ((tt - (1 - tt) * s_data ** 2) / d) - pred * (s_data * torch.rsqrt(d))
        # x0 prediction: x_t = (1 - t) x0 + t n, v = n - x0 = (x_t - x0) / t, t floored at 0.05.
        return (img - pred) / timesteps.clamp_min(0.05).view(-1, 1, 1)

    @staticmethod
    def joint_bias(b, lt, ni, ref_lengths, txt_mask, ref_present):
        """Additive mask [B, 1, L, L]: text and target queries see real text, the target and the
        references present for their sample; a reference's queries see only that reference."""
        nr = sum(ref_lengths)
        length = lt + ni + nr
        # Group of each token: -1 for text and target, k for reference k.
        group = torch.cat([torch.full((lt + ni,), -1, dtype=torch.long)] +
                          [torch.full((n,), k, dtype=torch.long) for k, n in enumerate(ref_lengths)])
        key_ok = torch.ones(b, length, dtype=torch.bool)
        if txt_mask is not None:
            key_ok[:, :lt] = txt_mask.bool()
        if ref_present is not None and nr > 0:
            key_ok[:, lt + ni:] = ref_present.bool()[:, group[lt + ni:]]
        main_rows = (group < 0)[None, :, None] & key_ok[:, None, :]               # [B, L, L]
        ref_rows = (group[:, None] >= 0) & (group[:, None] == group[None, :])    # [L, L]
        allowed = main_rows | ref_rows[None]
        bias = torch.zeros(b, length, length).masked_fill(~allowed, float("-inf"))
        return bias[:, None]


def grid_positions(h, w, frame, offset_h=0, offset_w=0):
    """[h*w, 3] (frame, row, col) of a row-major token grid."""
    rows = torch.arange(h, dtype=torch.float32)[:, None].expand(h, w) + offset_h
    cols = torch.arange(w, dtype=torch.float32)[None, :].expand(h, w) + offset_w
    return torch.stack([torch.full((h, w), float(frame)), rows, cols], dim=-1).reshape(h * w, 3)


def reference_positions(encoding, target, grids):
    """frame-wise: reference k (1-based) at frame k on its own grid. uno-offset: frame 0, each
    reference shifted diagonally past everything before it (the target first)."""
    parts, off_h, off_w = [], target[0], target[1]
    for k, (h, w) in enumerate(grids):
        if encoding == "frame-wise":
            parts.append(grid_positions(h, w, k + 1))
        else:
            parts.append(grid_positions(h, w, 0, off_h, off_w))
            off_h, off_w = off_h + h, off_w + w
    return torch.cat(parts) if parts else torch.zeros(0, 3)


def load_dit(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    cfg = config["dit"]
    model = DiT(cfg)
    weights = load_safetensors(os.path.join(folder, "dit.safetensors"))
    model.load_state_dict(weights, strict=True)
    return config, model


def load_inputs(folder, config):
    """The DiT's inputs; token positions are recomputed here from the grids (img_grid, ref_grids)
    rather than taken from the C++ side's img_positions / ref_positions."""
    t = load_safetensors(os.path.join(folder, "inputs.safetensors"))
    target = t["img_grid"].tolist()
    grids = [tuple(g) for g in t["ref_grids"].tolist()] if "ref_grids" in t else []
    return dict(img=t["img"], img_positions=grid_positions(target[0], target[1], 0), timesteps=t["timesteps"],
                txt=t["txt"], pooled=t["pooled"], txt_mask=t.get("txt_mask"), ref_tokens=t.get("ref_tokens"),
                ref_positions=reference_positions(config["dit"]["positions"], target, grids),
                ref_lengths=[h * w for h, w in grids], ref_present=t.get("ref_present"))


def time_ms(reps, fn):
    """(median wall, fastest wall, median CPU, fastest CPU) ms of fn over reps runs after a warm-up."""
    fn()
    wall, cpu = [], []
    for _ in range(reps):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - cpu_start) * 1000.0)
        wall.append((time.perf_counter() - start) * 1000.0)
    wall.sort()
    cpu.sort()
    return wall[len(wall) // 2], wall[0], cpu[len(cpu) // 2], cpu[0]


def run(folder, threads=0, iterations=0, linear="aten"):
    set_linear_mode(linear)
    if threads > 0:
        torch.set_num_threads(threads)
    config, model = load_dit(folder)
    inputs = load_inputs(folder, config)
    with torch.no_grad():
        out = model(**inputs)
    report = {"side": "python", "config": config["name"], "batch": int(inputs["img"].shape[0]),
              "threads": torch.get_num_threads(), "torch": torch.__version__, "linear": linear,
              "output_abs_max": out.abs().max().item()}
    reference = os.path.join(folder, "output.safetensors")
    if os.path.exists(reference):
        expected = load_safetensors(reference)["velocity"]
        if expected.shape != out.shape:
            raise ValueError(f"C++ output {tuple(expected.shape)} vs twin {tuple(out.shape)}")
        diff = (out - expected).abs()
        report["max_abs_diff"] = diff.max().item()
        report["mean_abs_diff"] = diff.mean().item()
    if iterations > 0:
        with torch.inference_mode():
            fwd = time_ms(iterations, lambda: model(**inputs))

        def step():
            model.zero_grad(set_to_none=False)
            model(**inputs).pow(2).mean().backward()

        fb = time_ms(iterations, step)
        report.update(iterations=iterations, forward_ms=fwd[0], forward_ms_min=fwd[1], forward_cpu_ms=fwd[2],
                      forward_cpu_ms_min=fwd[3], forward_backward_ms=fb[0], forward_backward_ms_min=fb[1],
                      forward_backward_cpu_ms=fb[2], forward_backward_cpu_ms_min=fb[3])
    return report


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="PyTorch-eager twin of the PSR DiT")
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--time", type=int, default=0, metavar="N")
    ap.add_argument("--linear", choices=LINEAR_MODES, default="aten")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.dir, args.threads, args.time, args.linear)))


if __name__ == "__main__":
    main(sys.argv[1:])
