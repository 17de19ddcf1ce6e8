#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (except the images themselves, which
make_image_seeds.cpp writes with OpenCV first). Seeds follow the byte layout the studio's own
writers produce (safetensors header: compact JSON, metadata first, padded with spaces to 8
bytes; scenes and specs: the toJson forms), plus damaged variants that must be refused. Crash
inputs found by packaging/fuzz.sh are added next to them as regression-<name> files, by hand.

    python3 tests/fuzz/make_corpus.py tests/fuzz/corpus
"""
import json
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- safetensors ---------------------------------------------------------------------------
SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "U16": 2, "I16": 2, "U32": 4, "I32": 4, "U64": 8, "I64": 8,
         "F8_E4M3": 1, "F8_E5M2": 1, "F16": 2, "BF16": 2, "F32": 4, "F64": 8}


def st(tensors, metadata=None, header_override=None, length_override=None, tail=b""):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape in tensors:
        n = SIZES[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + n]}
        data += bytes((len(data) + i) % 251 for i in range(n))
    text = header_override if header_override is not None else json.dumps(header, separators=(",", ":"))
    text = text.encode() if isinstance(text, str) else text
    text += b" " * ((8 - len(text) % 8) % 8)
    length = len(text) if length_override is None else length_override
    return struct.pack("<Q", length) + text + data + tail


put("safetensors", "empty-header.safetensors", st([]))
put("safetensors", "one-f32.safetensors", st([("w", "F32", [2, 3])]))
put("safetensors", "all-dtypes.safetensors", st([("t_" + k.lower(), k, [2]) for k in SIZES]))
put("safetensors", "metadata.safetensors",
    st([("double_blocks.0.img_attn.qkv.weight", "BF16", [4, 2]), ("b", "F16", [4])],
       {"format": "psr-generator", "config": "tiny"}))
put("safetensors", "zero-dim.safetensors", st([("empty", "F32", [0, 5]), ("x", "U8", [3])]))
put("safetensors", "scalar.safetensors", st([("s", "F64", [])]))
put("safetensors", "shard-like.safetensors",
    st([("target", "U8", [2, 4, 4, 3]), ("references", "U8", [2, 2, 4, 4, 3]), ("seq", "I64", [2])],
       {"dataset": "synthetic", "split": "train"}))
# Damaged: each must be refused with a clear error.
put("safetensors", "bad-offsets-past-end.safetensors",
    st([], header_override='{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'))
put("safetensors", "bad-overlap.safetensors",
    st([], header_override='{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},'
                           '"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}', tail=bytes(6)))
put("safetensors", "bad-gap.safetensors",
    st([], header_override='{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},'
                           '"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}', tail=bytes(6)))
put("safetensors", "bad-reversed.safetensors",
    st([], header_override='{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', tail=bytes(4)))
put("safetensors", "bad-shape-overflow.safetensors",
    st([], header_override='{"a":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}}'))
put("safetensors", "bad-negative-dim.safetensors",
    st([], header_override='{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'))
put("safetensors", "bad-dtype.safetensors",
    st([], header_override='{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}', tail=bytes(4)))
put("safetensors", "bad-duplicate.safetensors",
    st([], header_override='{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                           '"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', tail=bytes(2)))
put("safetensors", "bad-header-length.safetensors", st([("w", "F32", [1])], length_override=1 << 40))
put("safetensors", "bad-header-past-end.safetensors", st([("w", "F32", [1])], length_override=4096))
put("safetensors", "bad-deep-nesting.safetensors",
    st([], header_override='{"__metadata__":{"k":' + "[" * 5000 + "]" * 5000 + "}}"))
put("safetensors", "bad-metadata-type.safetensors", st([], header_override='{"__metadata__":{"k":1}}'))
put("safetensors", "bad-float-offset.safetensors",
    st([], header_override='{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}}', tail=bytes(1)))
put("safetensors", "bad-not-object.safetensors", st([], header_override="[1,2,3]"))
put("safetensors", "bad-utf8.safetensors", st([], header_override=b'{"\xff\xfe":{}}'))
put("safetensors", "short.safetensors", b"\x10\x00\x00")

# ---- scenes ------------------------------------------------------------------------------
scene = {"background": "meadow", "subjects": [
    {"identity": "fluent/1f980", "box": [0.05, 0.3, 0.4, 0.4], "size": "small", "action": "jumping",
     "accessories": ["top hat"], "z": 0},
    {"identity": "google/1f436", "box": [0.55, 0.35, 0.4, 0.4], "size": "large", "action": "",
     "accessories": [], "z": 1}],
    "relations": [{"a": 0, "b": 1, "kind": "left_of"}]}
put("scene", "two-subjects.json", json.dumps(scene))
put("scene", "one-subject.json", json.dumps({"background": "studio", "subjects": [
    {"identity": "twitter/1f431", "box": [0.2, 0.2, 0.6, 0.6], "size": "large", "action": "sleeping",
     "accessories": ["crown", "scarf"], "z": 0}], "relations": []}))
put("scene", "four-subjects.json", json.dumps({"background": "beach", "subjects": [
    {"identity": f"fluent/{k}", "box": [0.05 + 0.24 * i, 0.4, 0.2, 0.2], "size": "small", "action": a,
     "accessories": [], "z": i} for i, (k, a) in enumerate(
        [("1f980", "running"), ("1f436", "dancing"), ("1f431", "spinning"), ("1f34e", "upside down")])],
    "relations": [{"a": 0, "b": 3, "kind": "left_of"}, {"a": 2, "b": 1, "kind": "right_of"},
                  {"a": 1, "b": 2, "kind": "next_to"}]}))
put("scene", "above.json", json.dumps({"background": "sky", "subjects": [
    {"identity": "fluent/1f980", "box": [0.3, 0.05, 0.3, 0.3]},
    {"identity": "fluent/1f436", "box": [0.3, 0.6, 0.3, 0.3]}],
    "relations": [{"a": 0, "b": 1, "kind": "above"}, {"a": 1, "b": 0, "kind": "below"}]}))
put("scene", "bad-relation-float.json", json.dumps({"background": "sky", "subjects": [
    {"identity": "fluent/1f980", "box": [0.3, 0.05, 0.3, 0.3]}], "relations": [{"a": 1e300, "b": 0, "kind": "above"}]}))
put("scene", "bad-z-float.json", '{"background":"sky","subjects":[{"identity":"fluent/1f980","box":[0,0,1,1],"z":-1e19}]}')
put("scene", "bad-box.json", '{"background":"sky","subjects":[{"identity":"fluent/1f980","box":[0,0,2,"x"]}]}')
put("scene", "bad-deep.json", '{"background":"sky","subjects":[],"relations":' + "[" * 3000 + "]" * 3000 + "}")
put("scene", "bad-unknown.json", json.dumps({"background": "mars", "subjects": [
    {"identity": "nobody/0000", "box": [0.1, 0.1, 0.2, 0.2], "action": "flying", "accessories": ["cape", "cape"]}]}))

# ---- synthesis specs -----------------------------------------------------------------------
spec = {"subset": "all", "count": 240, "split": "train", "seed": 7, "batch_size": 8, "image_size": 64,
        "max_attempts": 1024, "dataset": "synthetic",
        "filters": {"min_consistency": 0.5, "min_detector_confidence": 0.5, "max_copy_paste": 0.9}}
put("synth_spec", "all.json", json.dumps(spec))
for subset in ["attribute", "position", "four"]:
    put("synth_spec", f"{subset}.json", json.dumps(dict(spec, subset=subset, split="heldout", seed=2**64 - 1)))
put("synth_spec", "bad-count-overflow.json", json.dumps(dict(spec, count=2**62, max_attempts=0)))
put("synth_spec", "bad-float-count.json", json.dumps(dict(spec, count=1e300)))
put("synth_spec", "bad-negative-seed.json", json.dumps(dict(spec, seed=-1)))
put("synth_spec", "bad-subset.json", json.dumps(dict(spec, subset="everything")))
put("synth_spec", "bad-missing.json", '{"subset":"all","count":3}')
put("synth_spec", "bad-deep.json", "[" * 4000 + "]" * 4000)

# ---- RL task mixes ("tasks" of an RL spec's data.world) ---------------------------------------------
tasks = {"attribute": 0.18, "action": 0.18, "background": 0.18, "position": 0.18, "complex": 0.18,
         "three": 0.05, "four": 0.05}
put("subset_mix", "shipped.json", json.dumps(tasks))
put("subset_mix", "one-zero.json", json.dumps({"four": 0.25, "position": 0, "attribute": 0.75}))
put("subset_mix", "tiny.json", json.dumps({"three": 5e-324, "four": 0}))
put("subset_mix", "bad-overflow-sum.json", json.dumps({"action": 1e308, "four": 1e308}))
put("subset_mix", "bad-inf-literal.json", '{"action": 1e999}')
put("subset_mix", "bad-negative.json", json.dumps({"action": -0.5}))
put("subset_mix", "bad-unknown.json", json.dumps({"colour": 1}))
put("subset_mix", "bad-all-zero.json", json.dumps({"action": 0, "four": 0}))
put("subset_mix", "bad-array.json", json.dumps(["attribute"]))
put("subset_mix", "bad-string.json", json.dumps({"action": "half"}))
put("subset_mix", "bad-deep.json", '{"action":' + "[" * 4000 + "]" * 4000 + "}")

# ---- OpenAI-compatible responses ------------------------------------------------------------
def completion(content, finish="stop"):
    return json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                    "finish_reason": finish}],
                       "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})


put("openai_response", "text.json", completion("[Thought]: fine. [Score]: 8"))
put("openai_response", "parts.json", completion([{"type": "text", "text": "a "}, {"type": "text", "text": "b"},
                                                  {"type": "image_url", "image_url": {"url": "data:,"}}]))
put("openai_response", "null-content.json", completion(None, "length"))
put("openai_response", "error-openai.json",
    json.dumps({"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}))
put("openai_response", "error-string.json", json.dumps({"error": "model not found"}))
put("openai_response", "error-detail.json", json.dumps({"detail": [{"loc": ["body"], "msg": "field required"}]}))
put("openai_response", "no-choices.json", json.dumps({"choices": []}))
put("openai_response", "html.txt", "<html><body>502 Bad Gateway</body></html>\r\n")
put("openai_response", "bad-deep.json", '{"detail":' + "[" * 5000 + "]" * 5000 + "}")
put("openai_response", "bad-deep-content.json", completion("x")[:-1] + ',"extra":' + "{\"a\":" * 3000 + "1" + "}" * 3000 + "}")

# ---- judge answers ---------------------------------------------------------------------------
for i, text in enumerate([
        "[Thought]: Both subjects are present and the crab wears a hat. [Score]: 9",
        "**Thought**: the dog is missing.\n**Score**: 2/5",
        "[Score]：7.5", "score: -3", "Thought: unsure\nScore : 10/10\n[Score]: 4",
        "I cannot tell.", "[Score]: " + "*" * 200 + "6", "[thought] [score]: 1e5",
        "Score: 8/0", "[Score]: +" + "9" * 400]):
    put("judge_score", f"answer-{i:02d}.txt", text)

# ---- model answers for the prompt writer / captioner (first byte: category count - 1) ---------
def answer(n, text):
    return bytes([n - 1]) + text.encode()


put("openai_answer", "bare.txt", answer(2, json.dumps({"t2i_prompt": "a crab and a dog on a beach",
                                                        "subject_prompts": ["a crab in a park", "a dog at home"]})))
put("openai_answer", "fenced.txt", answer(1, 'Sure!\n```json\n{"t2i_prompt": "a crab", "subject_prompts": ["a crab"]}\n```\n'))
put("openai_answer", "prose.txt", answer(3, 'Here you go: {"t2i_prompt": "x", "subject_prompts": ["a", "b", "c"]} Enjoy.'))
put("openai_answer", "instruction.txt", answer(2, '"Make the crab jump to the left of the dog."'))
put("openai_answer", "quotes.txt", answer(1, "\u201c'`\"" * 50 + "crab" + "\"`'\u201d" * 50))
put("openai_answer", "wrong-count.txt", answer(4, '{"t2i_prompt": "x", "subject_prompts": ["a"]}'))
put("openai_answer", "bad-deep.txt", answer(1, '{"t2i_prompt": ' + "[" * 4000 + "]" * 4000 + "}"))

# ---- provider configs --------------------------------------------------------------------------
put("openai_config", "minimal.json", json.dumps({"model": "gpt-4o-mini"}))
put("openai_config", "full.json", json.dumps({
    "base_url": "http://127.0.0.1:8080/v1/", "model": "qwen2.5-vl", "api_key_env": "MY_KEY", "temperature": 0.2,
    "max_tokens": 512, "timeout_s": 60, "connect_timeout_s": 5, "max_retries": 2, "retry_backoff_s": 0.5,
    "requests_per_minute": 30}))
put("openai_config", "bad-key.json", json.dumps({"model": "m", "api_key": "sk-secret"}))
put("openai_config", "bad-url.json", json.dumps({"model": "m", "base_url": "file:///etc/passwd"}))
put("openai_config", "bad-types.json", json.dumps({"model": "m", "max_tokens": 1e300, "max_retries": -1}))

# ---- damaged images (from the OpenCV-written seeds) ----------------------------------------------
img = os.path.join(out, "image_decode")
if os.path.isdir(img):
    def read(name):
        with open(os.path.join(img, name), "rb") as f:
            return f.read()
    png = read("rgba.png")
    put("image_decode", "bad-truncated.png", png[: len(png) // 2])
    huge = bytearray(png)
    huge[16:24] = struct.pack(">II", 100000, 100000)  # IHDR claims 10^10 pixels (CRC now wrong)
    put("image_decode", "bad-huge-ihdr.png", bytes(huge))
    wide = bytearray(png)
    wide[16:24] = struct.pack(">II", 2**31 - 1, 1)
    put("image_decode", "bad-wide-ihdr.png", bytes(wide))
    jpg = read("rgb.jpg")
    put("image_decode", "bad-truncated.jpg", jpg[:200])
    i = jpg.find(b"\xff\xc0")
    if i > 0:
        big = bytearray(jpg)
        big[i + 5:i + 9] = struct.pack(">HH", 65000, 65000)
        put("image_decode", "bad-huge-sof.jpg", bytes(big))
    webp = read("lossless.webp")
    put("image_decode", "bad-truncated.webp", webp[:24])
    put("image_decode", "bad-vp8x-huge.webp",
        b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" +
        b"\xff\xff\xff" + b"\xff\xff\xff")
    put("image_decode", "bad-tiff.tif", b"II*\x00\x08\x00\x00\x00" + bytes(32))
    put("image_decode", "bad-bmp.bmp", b"BM" + bytes(60))

# ---- regression inputs: nesting deep enough to overflow the stack of the code before the depth
# limit (nlohmann's dump() and copies recurse per level; 150 000 levels crashed each of these:
# the safetensors reader quoting a metadata value, serverErrorMessage quoting "detail", the
# prompt writer copying and quoting the answer's object, sceneFromJson copying "relations").
DEEP = 150000
put("safetensors", "regression-deep-metadata.safetensors",
    st([], header_override='{"__metadata__":{"k":' + "[" * DEEP + "]" * DEEP + "}}"))
put("openai_response", "regression-deep-detail.json", '{"detail":' + "[" * DEEP + "]" * DEEP + "}")
put("openai_answer", "regression-deep-answer.txt", answer(2, '{"t2i_prompt":' + "[" * DEEP + "]" * DEEP + "}"))
put("scene", "regression-deep-relations.json",
    '{"background":"sky","subjects":[],"relations":' + "[" * DEEP + "]" * DEEP + "}")

# ---- model config.json (what saveGenerator writes: nlohmann dump(2), sorted keys, + "\n") -------
def model_config(name, hidden, heads, dd, ds, axes, in_ch, ctx, vec, text, codec, prediction="velocity",
                 positions="frame-wise", guidance=False, mlp_ratio=4.0, max_refs=4):
    c = {"name": name,
         "dit": {"in_channels": in_ch, "hidden": hidden, "num_heads": heads, "depth_double": dd,
                 "depth_single": ds, "mlp_ratio": mlp_ratio, "axes_dim": axes, "theta": 10000.0,
                 "qkv_bias": True, "guidance_embed": guidance, "context_dim": ctx, "vec_dim": vec,
                 "positions": positions, "max_references": max_refs, "prediction": prediction},
         "text": dict(zip(["vocab_size", "dim", "depth", "num_heads", "max_tokens", "pooled_dim"], text)),
         "codec": dict(zip(["kind", "patch", "image_size"], codec))}
    return c


def config_text(c):
    return json.dumps(c, indent=2, sort_keys=True) + "\n"


# The presets of core/model/model_config.cpp; tiny.json is byte for byte what
# `psr model create --preset tiny --out DIR` writes as DIR/config.json.
tiny = model_config("tiny", 64, 2, 2, 2, [4, 14, 14], 48, 64, 64, [512, 64, 1, 2, 16, 64], ["pixel-patch", 4, 16])
default = model_config("default", 192, 4, 4, 4, [8, 20, 20], 192, 192, 192, [1024, 192, 2, 4, 32, 192],
                       ["pixel-patch", 8, 64], prediction="x0")
large = model_config("large", 768, 12, 8, 16, [8, 28, 28], 192, 512, 512, [4096, 512, 4, 8, 64, 512],
                     ["pixel-patch", 8, 128], prediction="x0")
flux = model_config("flux-kontext-dev", 3072, 24, 19, 38, [16, 56, 56], 64, 4096, 768, [0, 4096, 0, 0, 512, 768],
                    ["flux-vae", 16, 1024], guidance=True)
for c in [tiny, default, large, flux]:
    put("model_config", c["name"] + ".json", config_text(c))
put("model_config", "tiny-uno.json", config_text(dict(tiny, dit=dict(tiny["dit"], positions="uno-offset"))))
old = json.loads(json.dumps(tiny))
del old["dit"]["prediction"]  # written before the field existed: velocity
put("model_config", "tiny-no-prediction.json", config_text(old))
put("model_config", "tiny-compact.json", json.dumps(tiny, separators=(",", ":")))


def variant(base, **changes):
    c = json.loads(json.dumps(base))
    for path, value in changes.items():
        *outer, key = path.split("__")
        d = c
        for o in outer:
            d = d[o]
        d[key] = value
    return json.dumps(c)


# Damaged or absurd: each must be refused with a clear error, before any allocation and without
# undefined behaviour. The regression-* ones failed fuzz_model_config before validate() bounded
# every field: float-to-int casts of 1e300/1e19 (from_json's get_to, mlpHidden), signed overflow
# (depth and axes sums, 3 * patch^2), division by zero (negative vocab_size, 0 heads), a
# negative MLP width and 2e14 parameters accepted.
put("model_config", "bad-hidden-2p40.json", variant(tiny, dit__hidden=2**40, dit__num_heads=2**20))
put("model_config", "bad-negative-depth.json", variant(tiny, dit__depth_double=-1))
put("model_config", "regression-depth-overflow.json", variant(tiny, dit__depth_double=2**62, dit__depth_single=2**62))
put("model_config", "regression-float-hidden.json", variant(tiny, dit__hidden=1e300))
put("model_config", "bad-float-patch.json", variant(tiny, codec__patch=4.5))
put("model_config", "bad-uint64.json", variant(tiny, text__vocab_size=2**64 - 1))
put("model_config", "regression-axes-overflow.json", variant(tiny, dit__axes_dim=[2**62, 2**62, 2**62]))
put("model_config", "bad-axes-length.json", variant(tiny, dit__axes_dim=[4, 14, 14, 0]))
put("model_config", "regression-axes-float.json", variant(tiny, dit__axes_dim=[4, 14, 1e19]))
put("model_config", "regression-mlp-ratio-huge.json", variant(tiny, dit__mlp_ratio=1e300))
put("model_config", "regression-mlp-ratio-negative.json", variant(tiny, dit__mlp_ratio=-4.0))
put("model_config", "regression-patch-overflow.json", variant(tiny, codec__patch=2**32, codec__image_size=2**32,
                                                       dit__in_channels=0))  # 3 * patch^2 wraps to 0 in int64
put("model_config", "regression-vocab-negative.json", variant(tiny, text__vocab_size=-1, text__num_heads=0))
put("model_config", "bad-heads-negative.json", variant(tiny, dit__num_heads=-1, dit__hidden=-64))
put("model_config", "bad-max-tokens.json", variant(flux, text__max_tokens=-5))
put("model_config", "regression-parameters.json",
    variant(flux, dit__hidden=65536, dit__num_heads=512, dit__depth_double=1024, dit__depth_single=1024,
            dit__axes_dim=[16, 56, 56]))
put("model_config", "bad-theta.json", variant(tiny, dit__theta=-1.0))
put("model_config", "bad-references.json", variant(tiny, dit__max_references=2**40))
put("model_config", "bad-codec.json", variant(tiny, codec__kind="jpeg"))
put("model_config", "bad-positions.json", variant(tiny, dit__positions="diagonal"))
put("model_config", "bad-prediction.json", variant(tiny, dit__prediction="epsilon"))
put("model_config", "bad-types.json", variant(tiny, dit__hidden="64", dit__qkv_bias=1))
put("model_config", "bad-missing.json", json.dumps({"name": "x", "dit": {}}))
put("model_config", "bad-not-object.json", "[1,2,3]")
put("model_config", "bad-deep.json", '{"name":"x","dit":' + "[" * 4000 + "]" * 4000 + "}")

# ---- training job specs (SFT and RL, both parsers get every input) -------------------------------
jobs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "models", "generator", "jobs")
for name in sorted(os.listdir(jobs)):
    if name.endswith(".json"):
        with open(os.path.join(jobs, name), "rb") as f:
            put("job_spec", "shipped-" + name, f.read())
# tests/train's fixtures (train_fixtures::tinyJob, test_grpo's tinyRl), as the CLI would read them.
sft = {"kind": "sft", "name": "tiny-test", "model": "tiny", "data": {"shards": "/tmp/x/shards"},
       "references": {"1": 0.5, "2": 0.5}, "steps": 6, "batch": 3, "lr": 1e-3, "warmup": 2, "ema": 0.9,
       "checkpoint_every": 2, "sample_every": 0, "sample_count": 2, "sample_steps": 2, "log_every": 1,
       "seed": 5, "threads": 1, "out": "/tmp/x/run"}
rl = {"kind": "rl", "init": "/tmp/x/init", "data": {"world": {}}, "epochs": 4, "prompts_per_epoch": 2,
      "group_size": 4, "rollout_batch": 4, "sampling_steps": 4, "lr": 3e-3, "kl_beta": 0.0,
      "weights": {"psr": 1.0}, "checkpoint_every": 2, "seed": 3, "threads": 1, "out": "/tmp/x/a"}
put("job_spec", "sft-tiny.json", json.dumps(sft))
put("job_spec", "rl-tiny.json", json.dumps(rl))
put("job_spec", "sft-model-object.json", json.dumps(dict(sft, model=tiny, lora={"rank": 4, "alpha": 8.0},
    timesteps={"distribution": "uniform", "mean": 0.0, "std": 1.0, "shift": 3.0}, seed=2**64 - 1)))
put("job_spec", "rl-window.json", json.dumps(dict(rl, window=[1, 3], std="global", self_check=False,
                                                  lora={"rank": 8, "alpha": 16.0}, ema=0.5, max_skipped=0)))
# Without "kind" and with only keys both know: both parsers accept it.
put("job_spec", "both.json", json.dumps({"init": "runs/sft", "data": {"world": {}}, "lr": 1e-4, "seed": 1}))
put("job_spec", "bad-steps-float.json", json.dumps(dict(sft, steps=1e300)))
put("job_spec", "bad-steps-negative.json", json.dumps(dict(sft, steps=-1)))
put("job_spec", "bad-seed-negative.json", json.dumps(dict(sft, seed=-1)))
put("job_spec", "bad-threads-range.json", json.dumps(dict(sft, threads=2**40)))
put("job_spec", "bad-unknown-key.json", json.dumps(dict(sft, stepz=3)))
put("job_spec", "bad-kind.json", json.dumps(dict(sft, kind="rl")))
put("job_spec", "bad-model-and-init.json", json.dumps(dict(sft, init="runs/base")))
put("job_spec", "bad-model-huge.json", json.dumps(dict(sft, model=json.loads(variant(tiny, dit__hidden=2**40)))))
put("job_spec", "bad-model-preset.json", json.dumps(dict(sft, model="huge")))
put("job_spec", "bad-references.json", json.dumps(dict(sft, references={"5": 1.0, "01": 0.2})))
put("job_spec", "bad-timesteps-not-object.json", json.dumps(dict(sft, timesteps=5)))
put("job_spec", "bad-lora.json", json.dumps(dict(sft, lora=[4, 8])))
# Failed fuzz_job_spec (UBSan) before RlConfig bounded prompts_per_epoch x group_size: 2^62 x 4 overflowed.
put("job_spec", "regression-rl-samples-overflow.json", json.dumps(dict(rl, prompts_per_epoch=2**62, group_size=4)))
put("job_spec", "bad-rl-window.json", json.dumps(dict(rl, window=[0, 2**63 - 1])))
put("job_spec", "bad-rl-window-float.json", json.dumps(dict(rl, window=[0.5, 1e300])))
put("job_spec", "rl-train-steps.json", json.dumps(dict(rl, window=[0, 3], train_steps=2)))
put("job_spec", "bad-rl-train-steps.json", json.dumps(dict(rl, train_steps=4)))
put("job_spec", "bad-rl-train-steps-huge.json", json.dumps(dict(rl, train_steps=-2**63)))
put("job_spec", "bad-rl-weights.json", json.dumps(dict(rl, weights={"psr": "high"})))
put("job_spec", "bad-rl-rollout.json", json.dumps(dict(rl, rollout_batch=0)))
put("job_spec", "bad-rl-sampling-steps.json", json.dumps(dict(rl, sampling_steps=-2**63)))
put("job_spec", "bad-not-object.json", '"sft"')
put("job_spec", "bad-deep.json", '{"kind":"sft","data":' + "[" * 4000 + "]" * 4000 + "}")

# ---- PSRBench subset files (what exportPsrBenchSuite writes: nlohmann dump(2) + "\n") -----------
# Paths name the files fuzz_psrbench_item.cpp lays out in its temporary folder.
def bench_item(instruction, inputs, categories, result=None):
    e = {"instruction": instruction, "input_path": inputs}
    for k, c in enumerate(categories):
        e[f"category{k + 1}"] = c
    if result is not None:
        e["result_path"] = result
    return e


exported = [
    bench_item("Put the crab wearing a top hat left of the dog.",
               ["subjects/Attribute/0_1.png", "subjects/Attribute/0_2.png"], ["crab", "dog"],
               "results/Attribute/0.png"),
    bench_item("The cat sleeps next to the crab.", ["subjects/Attribute/0_1.png", "subjects/Attribute/0_2.png"],
               ["cat", "crab"]),
]
put("psrbench_item", "export-Attribute.json", json.dumps(exported, indent=2, sort_keys=True) + "\n")
put("psrbench_item", "export-Four.json", json.dumps([bench_item(
    "Four friends on a beach.", ["subjects/Four/7_1.png"] * 4, ["crab", "dog", "cat", "apple"])],
    indent=2, sort_keys=True) + "\n")
put("psrbench_item", "empty-list.json", "[]")
# tests/bench psrbenchBadItems, in one file (item 7 is not even an object).
put("psrbench_item", "bad-items.json", json.dumps([
    bench_item("Put the crab left of the dog.", ["img/a.png", "img/b.png"], ["crab", "dog"], "img/result.png"),
    bench_item("x", ["../outside.png", "img/b.png"], ["crab", "dog"]),
    bench_item("x", ["img/escape.png", "img/b.png"], ["crab", "dog"]),
    bench_item("x", ["img/a.png", "img/b.png"], ["zebracorn", "dog"]),
    bench_item("x", ["img/a.png", "img/nope.png"], ["crab", "dog"]),
    bench_item("x", ["img/a.png", "img/b.png"], ["crab", "dog"], "../outside.png"),
    42]))
put("psrbench_item", "paths-symlinks.json", json.dumps([
    bench_item("in through a folder link", ["img/inner/Attribute/0_1.png"], ["the Crabs"], "img/alias.png"),
    bench_item("out through a folder link", ["img/out/secret.png"], ["dog"], "img/escape-rel.png"),
    bench_item("loop", ["img/loop", "img/loop/x.png"], ["cat", "cat"], "img/dangling.png"),
    bench_item("dangling folder", ["img/dangling-dir/x.png"], ["apple"], "img/dangling-dir"),
    bench_item("dots", ["./img/../img/./a.png", "img/..", "."], ["car", "lion", "small lion"], "img/"),
    bench_item("deep dots", ["img/nothing/../../../outside.png", "/".join(["nothing", ".."] * 40) + "/../x",
                             "/".join(["img", "nothing", ".."] * 20) + "/a.png"], ["dog", "dog", "dog"]),
]))
put("psrbench_item", "paths-absolute.json", json.dumps([
    bench_item("x", ["/etc/passwd"], ["crab"], "/tmp"),
    bench_item("x", ["//x"], ["crab"], "~/x.png"),
    bench_item("x", ["img/a.png\u0000/../../../outside.png"], ["crab"], "img/a.png\u0000"),
    bench_item("x", ["a" * 5000], ["crab"], "/".join(["b" * 250] * 20)),
]))
put("psrbench_item", "shapes.json", json.dumps([
    {"instruction": "one path as a string", "input_path": "img/a.png", "category1": "crab"},
    {"instruction": "five", "input_path": ["img/a.png"] * 5, "category1": "crab"},
    {"instruction": "none", "input_path": []},
    {"instruction": "not text", "input_path": ["img/a.png", 3], "category1": "crab", "category2": "dog"},
    {"instruction": "missing second category", "input_path": ["img/a.png", "img/b.png"], "category1": "crab"},
    {"instruction": 7, "input_path": ["img/a.png"], "category1": "crab", "result_path": 5},
    {"input_path": ["img/a.png"], "category1": "crab", "result_path": "img/result.png"},
    None, "item", [], {}]))
put("psrbench_item", "bad-not-list.json", json.dumps({"Attribute": exported}))
put("psrbench_item", "bad-json.json", "{ not json")
put("psrbench_item", "bad-deep.json", "[" * 4000 + "]" * 4000)
# Failed fuzz_psrbench_item before resolveInside was fixed: std::filesystem_error escaping
# (symlink loop, names too long) instead of a refusal, and a dangling symlink accepted as inside.
put("psrbench_item", "regression-symlink-loop.json", json.dumps([bench_item("x", ["img/loop"], ["crab"])]))
put("psrbench_item", "regression-name-too-long.json",
    json.dumps([bench_item("x", ["a" * 5000, "/".join(["b" * 250] * 20)], ["crab", "dog"])]))
put("psrbench_item", "regression-dangling-symlink.json",
    json.dumps([bench_item("x", ["img/dangling.png"], ["crab"], "img/dangling-dir/x.png")]))
