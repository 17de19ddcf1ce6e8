#include "model/model_config.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace psr::model {
namespace {

// FLUX embeds timesteps (and distilled guidance) sinusoidally in 256 dims before time_in.
constexpr std::int64_t kTimeEmbedDim = 256;

ModelConfig tinyPreset() {
  ModelConfig c;
  c.name = "tiny";
  c.dit.hidden = 64;
  c.dit.num_heads = 2;
  c.dit.depth_double = 2;
  c.dit.depth_single = 2;
  c.dit.axes_dim = {4, 14, 14};
  c.dit.in_channels = 3 * 4 * 4;
  c.dit.context_dim = c.dit.vec_dim = 64;
  c.text = {512, 64, 1, 2, 16, 64};
  c.codec = {"pixel-patch", 4, 16};
  return c;
}

ModelConfig defaultPreset() {
  // Sized with tests/model/bench_dit and the 20 MB shipping limit: 7.6M DiT parameters are
  // ~15 MB in fp16 (hidden 256 gave 13.4M, 27 MB). A batch-16 training step with two
  // references is ~80 GFLOP (forward + backward), ~1 s on two quiet cores. Patch 8 rather
  // than 4: 4x fewer tokens made the step ~5.7x cheaper.
  ModelConfig c;
  c.name = "default";
  c.dit.hidden = 192;
  c.dit.num_heads = 4;
  c.dit.depth_double = 4;
  c.dit.depth_single = 4;
  c.dit.axes_dim = {8, 20, 20};
  c.dit.in_channels = 3 * 8 * 8;
  c.dit.context_dim = c.dit.vec_dim = 192;
  c.text = {1024, 192, 2, 4, 32, 192};
  c.codec = {"pixel-patch", 8, 64};
  return c;
}

ModelConfig largePreset() {
  ModelConfig c;
  c.name = "large";
  c.dit.hidden = 768;
  c.dit.num_heads = 12;
  c.dit.depth_double = 8;
  c.dit.depth_single = 16;
  c.dit.axes_dim = {8, 28, 28};
  c.dit.in_channels = 3 * 8 * 8;
  c.dit.context_dim = c.dit.vec_dim = 512;
  c.text = {4096, 512, 4, 8, 64, 512};
  c.codec = {"pixel-patch", 8, 128};
  return c;
}

ModelConfig fluxKontextDevPreset() {
  // The released FLUX.1 Kontext [dev] transformer; text comes from T5-XXL (4096) + CLIP-L (768).
  ModelConfig c;
  c.name = "flux-kontext-dev";
  c.dit.hidden = 3072;
  c.dit.num_heads = 24;
  c.dit.depth_double = 19;
  c.dit.depth_single = 38;
  c.dit.axes_dim = {16, 56, 56};
  c.dit.in_channels = 64;
  c.dit.guidance_embed = true;
  c.dit.context_dim = 4096;
  c.dit.vec_dim = 768;
  c.text = {0, 4096, 0, 0, 512, 768};
  c.codec = {"flux-vae", 16, 1024};
  return c;
}

void require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw Error("model config '" + name + "': " + what, ErrorCode::InvalidArgument);
}

}  // namespace

void ModelConfig::validate() const {
  const auto& d = dit;
  require(d.hidden > 0 && d.num_heads > 0 && d.hidden % d.num_heads == 0, name,
          "hidden must be a positive multiple of num_heads");
  require(d.depth_double >= 0 && d.depth_single >= 0 && d.depth_double + d.depth_single > 0, name,
          "at least one block is needed");
  std::int64_t axes = 0;
  for (auto a : d.axes_dim) {
    require(a > 0 && a % 2 == 0, name, "every RoPE axis needs an even, positive dimension");
    axes += a;
  }
  require(axes == d.headDim(), name,
          "axes_dim must sum to the head dim " + std::to_string(d.headDim()) + ", got " + std::to_string(axes));
  require(d.max_references >= 0, name, "max_references must not be negative");
  require(text.dim == d.context_dim, name, "text.dim must equal dit.context_dim");
  require(text.pooled_dim == d.vec_dim, name, "text.pooled_dim must equal dit.vec_dim");
  if (text.vocab_size > 0) {
    require(text.num_heads > 0 && text.dim % text.num_heads == 0, name, "text.dim must be a multiple of its heads");
    require(text.max_tokens > 0, name, "text.max_tokens must be positive");
  }
  require(codec.patch > 0 && codec.image_size % codec.patch == 0, name, "image_size must be a multiple of patch");
  if (codec.kind == "pixel-patch")
    require(d.in_channels == 3 * codec.patch * codec.patch, name, "pixel-patch needs in_channels = 3 * patch^2");
  else
    require(codec.kind == "flux-vae", name, "unknown codec kind '" + codec.kind + "'");
}

std::int64_t ModelConfig::imageTokens() const {
  const auto side = codec.image_size / codec.patch;
  return side * side;
}

std::vector<std::string> presetNames() { return {"tiny", "default", "large", "flux-kontext-dev"}; }

ModelConfig modelPreset(const std::string& name) {
  if (name == "tiny") return tinyPreset();
  if (name == "default") return defaultPreset();
  if (name == "large") return largePreset();
  if (name == "flux-kontext-dev") return fluxKontextDevPreset();
  throw Error("unknown model preset '" + name + "' (known: tiny, default, large, flux-kontext-dev)",
              ErrorCode::InvalidArgument);
}

const char* positionEncodingName(PositionEncoding encoding) {
  return encoding == PositionEncoding::FrameWise ? "frame-wise" : "uno-offset";
}

void to_json(nlohmann::json& j, const ModelConfig& c) {
  const auto& d = c.dit;
  j = {{"name", c.name},
       {"dit",
        {{"in_channels", d.in_channels},
         {"hidden", d.hidden},
         {"num_heads", d.num_heads},
         {"depth_double", d.depth_double},
         {"depth_single", d.depth_single},
         {"mlp_ratio", d.mlp_ratio},
         {"axes_dim", d.axes_dim},
         {"theta", d.theta},
         {"qkv_bias", d.qkv_bias},
         {"guidance_embed", d.guidance_embed},
         {"context_dim", d.context_dim},
         {"vec_dim", d.vec_dim},
         {"positions", positionEncodingName(d.positions)},
         {"max_references", d.max_references}}},
       {"text",
        {{"vocab_size", c.text.vocab_size},
         {"dim", c.text.dim},
         {"depth", c.text.depth},
         {"num_heads", c.text.num_heads},
         {"max_tokens", c.text.max_tokens},
         {"pooled_dim", c.text.pooled_dim}}},
       {"codec", {{"kind", c.codec.kind}, {"patch", c.codec.patch}, {"image_size", c.codec.image_size}}}};
}

void from_json(const nlohmann::json& j, ModelConfig& c) {
  try {
    c.name = j.at("name").get<std::string>();
    const auto& d = j.at("dit");
    d.at("in_channels").get_to(c.dit.in_channels);
    d.at("hidden").get_to(c.dit.hidden);
    d.at("num_heads").get_to(c.dit.num_heads);
    d.at("depth_double").get_to(c.dit.depth_double);
    d.at("depth_single").get_to(c.dit.depth_single);
    d.at("mlp_ratio").get_to(c.dit.mlp_ratio);
    d.at("axes_dim").get_to(c.dit.axes_dim);
    d.at("theta").get_to(c.dit.theta);
    d.at("qkv_bias").get_to(c.dit.qkv_bias);
    d.at("guidance_embed").get_to(c.dit.guidance_embed);
    d.at("context_dim").get_to(c.dit.context_dim);
    d.at("vec_dim").get_to(c.dit.vec_dim);
    const auto positions = d.at("positions").get<std::string>();
    if (positions != "frame-wise" && positions != "uno-offset")
      throw Error("unknown positions '" + positions + "' (frame-wise or uno-offset)", ErrorCode::InvalidArgument);
    c.dit.positions = positions == "frame-wise" ? PositionEncoding::FrameWise : PositionEncoding::UnoOffset;
    d.at("max_references").get_to(c.dit.max_references);
    const auto& t = j.at("text");
    t.at("vocab_size").get_to(c.text.vocab_size);
    t.at("dim").get_to(c.text.dim);
    t.at("depth").get_to(c.text.depth);
    t.at("num_heads").get_to(c.text.num_heads);
    t.at("max_tokens").get_to(c.text.max_tokens);
    t.at("pooled_dim").get_to(c.text.pooled_dim);
    const auto& k = j.at("codec");
    k.at("kind").get_to(c.codec.kind);
    k.at("patch").get_to(c.codec.patch);
    k.at("image_size").get_to(c.codec.image_size);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("model config JSON: ") + e.what(), ErrorCode::InvalidArgument);
  }
}

std::int64_t ditParameterCount(const DitConfig& d) {
  const auto h = d.hidden, mlp = d.mlpHidden(), head = d.headDim();
  const auto linear = [](std::int64_t in, std::int64_t out, bool bias = true) { return in * out + (bias ? out : 0); };
  const auto embedder = [&](std::int64_t in) { return linear(in, h) + linear(h, h); };
  std::int64_t n = linear(d.in_channels, h) + embedder(kTimeEmbedDim) + embedder(d.vec_dim) + linear(d.context_dim, h);
  if (d.guidance_embed) n += embedder(kTimeEmbedDim);
  const auto stream =
      linear(h, 6 * h) + linear(h, 3 * h, d.qkv_bias) + 2 * head + linear(h, h) + linear(h, mlp) + linear(mlp, h);
  n += d.depth_double * 2 * stream;
  n += d.depth_single * (linear(h, 3 * h + mlp) + linear(h + mlp, h) + 2 * head + linear(h, 3 * h));
  n += linear(h, d.in_channels) + linear(h, 2 * h);
  return n;
}

std::int64_t textEncoderParameterCount(const TextEncoderConfig& t) {
  if (t.vocab_size == 0) return 0;
  const auto w = t.dim;
  const auto layer =
      2 * (2 * w) + (3 * w * w + 3 * w) + 2 * (w / t.num_heads) + (w * w + w) + (4 * w * w + 4 * w) + (4 * w * w + w);
  return t.vocab_size * w + t.max_tokens * w + t.depth * layer + 2 * w + (w * t.pooled_dim + t.pooled_dim);
}

namespace {

// Per-sample matmul FLOPs that do not scale with tokens: embedders, modulations, final adaLN.
double perSampleLinearFlops(const DitConfig& d, bool withReferences) {
  const double h = double(d.hidden);
  const double embed =
      2 * ((kTimeEmbedDim + h) * h + (d.vec_dim + h) * h) + (d.guidance_embed ? 2 * (kTimeEmbedDim + h) * h : 0);
  double mods = 2 * (d.depth_double * 12 * h * h + d.depth_single * 3 * h * h + 2 * h * h);
  // References get their own clean-timestep modulation (img stream and single blocks).
  if (withReferences)
    mods += 2 * (d.depth_double * 6 * h * h + d.depth_single * 3 * h * h) + 2 * (kTimeEmbedDim + h) * h;
  return embed + mods;
}

// Matmul FLOPs of one token through its embedder (`inWidth` wide) and every block.
double perTokenLinearFlops(const DitConfig& d, double inWidth) {
  const double h = double(d.hidden), mlp = double(d.mlpHidden());
  const double dbl = 3 * h * h + h * h + 2 * h * mlp;
  const double sgl = h * (3 * h + mlp) + (h + mlp) * h;
  return 2 * (inWidth * h + d.depth_double * dbl + d.depth_single * sgl);
}

double attentionFlops(const DitConfig& d, double queries, double keys) {
  // QK^T and AV, each 2 * Lq * Lk * hidden per block.
  return double(d.depth_double + d.depth_single) * 4 * queries * keys * double(d.hidden);
}

}  // namespace

FlopCount ditForwardFlops(const DitConfig& d, const TokenCounts& t) {
  FlopCount f;
  const bool refs = t.ref > 0;
  f.linear = perSampleLinearFlops(d, refs) + double(t.txt) * perTokenLinearFlops(d, double(d.context_dim)) +
             double(t.img + t.ref) * perTokenLinearFlops(d, double(d.in_channels)) +
             2.0 * double(t.img) * double(d.hidden) * double(d.in_channels);
  // The joint path computes the whole (masked) score matrix.
  const double all = double(t.txt + t.img + t.ref);
  f.attention = attentionFlops(d, all, all);
  return f;
}

FlopCount ditCachedStepFlops(const DitConfig& d, const TokenCounts& t) {
  FlopCount f;
  f.linear = perSampleLinearFlops(d, false) + double(t.txt) * perTokenLinearFlops(d, double(d.context_dim)) +
             double(t.img) * perTokenLinearFlops(d, double(d.in_channels)) +
             2.0 * double(t.img) * double(d.hidden) * double(d.in_channels);
  f.attention = attentionFlops(d, double(t.txt + t.img), double(t.txt + t.img + t.ref));
  return f;
}

}  // namespace psr::model
