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
