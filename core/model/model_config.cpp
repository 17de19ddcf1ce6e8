#include "model/model_config.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"

namespace psr::model {
namespace {

// FLUX embeds timesteps (and distilled guidance) sinusoidally in 256 dims before time_in.
constexpr std::int64_t kTimeEmbedDim = 256;

// Upper bounds validate() enforces: far above every preset (FLUX.1: hidden 3072, context 4096,
// 57 blocks, 12e9 parameters), low enough that the parameter and token counts below cannot
// overflow int64 and that an absurd config.json is refused before anything is allocated.
constexpr std::int64_t kMaxWidth = std::int64_t(1) << 16;  // hidden, channels, text widths
constexpr std::int64_t kMaxDepth = 1024;                    // blocks of each kind
constexpr std::int64_t kMaxVocab = std::int64_t(1) << 24;
constexpr std::int64_t kMaxTokens = std::int64_t(1) << 16;
constexpr std::int64_t kMaxImageSide = 16384;
constexpr std::int64_t kMaxReferences = 64;
constexpr double kMaxMlpRatio = 64.0;
constexpr std::int64_t kMaxParameters = 100'000'000'000;

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
  // 192 values per patch through a 192-wide model: x0 prediction (docs/generator.md, A/B).
  c.dit.prediction = Prediction::X0;
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
  c.dit.prediction = Prediction::X0;
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

bool inRange(std::int64_t v, std::int64_t lo, std::int64_t hi) { return v >= lo && v <= hi; }

// An integer field of config.json: a JSON integer in int64 range (get_to on 1e300 is a
// float-to-int cast, undefined behaviour).
void readInt(const nlohmann::json& object, const char* key, std::int64_t& value) {
  value = io::jsonInteger<std::int64_t>(object.at(key), std::string("model config: \"") + key + "\"",
                                        ErrorCode::InvalidArgument);
}

}  // namespace

void ModelConfig::validate() const {
  const auto& d = dit;
  const std::string widthRange = " must be in [1, " + std::to_string(kMaxWidth) + "]";
  require(inRange(d.hidden, 1, kMaxWidth), name, "hidden" + widthRange);
  require(inRange(d.in_channels, 1, kMaxWidth), name, "in_channels" + widthRange);
  require(inRange(d.context_dim, 1, kMaxWidth), name, "context_dim" + widthRange);
  require(inRange(d.vec_dim, 1, kMaxWidth), name, "vec_dim" + widthRange);
  require(d.num_heads > 0 && d.hidden % d.num_heads == 0, name, "hidden must be a positive multiple of num_heads");
  require(inRange(d.depth_double, 0, kMaxDepth) && inRange(d.depth_single, 0, kMaxDepth), name,
          "depth_double and depth_single must be in [0, " + std::to_string(kMaxDepth) + "]");
  require(d.depth_double + d.depth_single > 0, name, "at least one block is needed");
  require(std::isfinite(d.mlp_ratio) && d.mlp_ratio > 0 && d.mlp_ratio <= kMaxMlpRatio && d.mlpHidden() >= 1, name,
          "mlp_ratio must be positive, at most " + std::to_string(int(kMaxMlpRatio)) +
              ", and give an MLP width of at least 1");
  require(std::isfinite(d.theta) && d.theta > 0, name, "theta must be a positive number");
  std::int64_t axes = 0;
  for (auto a : d.axes_dim) {
    require(a > 0 && a % 2 == 0 && a <= kMaxWidth, name,
            "every RoPE axis needs an even dimension in [2, " + std::to_string(kMaxWidth) + "]");
    axes += a;
  }
  require(axes == d.headDim(), name,
          "axes_dim must sum to the head dim " + std::to_string(d.headDim()) + ", got " + std::to_string(axes));
  require(!d.reference_copy || d.prediction == Prediction::X0, name,
          "reference_copy needs \"prediction\": \"x0\" (it mixes clean-image predictions)");
  require(!d.reference_warp || d.prediction == Prediction::X0, name,
          "reference_warp needs \"prediction\": \"x0\" (it mixes clean-image predictions)");
  require(!(d.reference_warp && d.reference_copy), name, "reference_copy and reference_warp are alternatives; pick one");
  require(d.reference_warp_pool == WarpPool::Token || d.reference_warp, name, "reference_warp_pool needs reference_warp");
  require(inRange(d.max_references, 0, kMaxReferences), name,
          "max_references must be in [0, " + std::to_string(kMaxReferences) + "]");
  require(text.dim == d.context_dim, name, "text.dim must equal dit.context_dim");
  require(text.pooled_dim == d.vec_dim, name, "text.pooled_dim must equal dit.vec_dim");
  require(inRange(text.vocab_size, 0, kMaxVocab), name,
          "text.vocab_size must be in [0, " + std::to_string(kMaxVocab) + "]");
  require(inRange(text.max_tokens, 1, kMaxTokens), name,
          "text.max_tokens must be in [1, " + std::to_string(kMaxTokens) + "]");
  if (text.vocab_size > 0) {
    require(text.num_heads > 0 && text.dim % text.num_heads == 0, name, "text.dim must be a multiple of its heads");
    require(inRange(text.depth, 0, kMaxDepth), name, "text.depth must be in [0, " + std::to_string(kMaxDepth) + "]");
  }
  require(inRange(codec.image_size, 1, kMaxImageSide), name,
          "codec.image_size must be in [1, " + std::to_string(kMaxImageSide) + "]");
  require(codec.patch > 0 && codec.image_size % codec.patch == 0, name, "image_size must be a multiple of patch");
  if (codec.kind == "pixel-patch")
    require(d.in_channels == 3 * codec.patch * codec.patch, name, "pixel-patch needs in_channels = 3 * patch^2");
  else
    require(codec.kind == "flux-vae", name, "unknown codec kind '" + codec.kind + "'");
  require(!d.reference_warp || codec.kind == "pixel-patch", name, "reference_warp samples pixels: it needs the pixel-patch codec");
  // Every count is bounded above, so these sums cannot overflow.
  const std::int64_t parameters = ditParameterCount(d) + textEncoderParameterCount(text);
  require(parameters <= kMaxParameters, name,
          std::to_string(parameters) + " parameters exceed the limit of " + std::to_string(kMaxParameters));
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

const char* predictionName(Prediction prediction) {
  switch (prediction) {
    case Prediction::X0: return "x0";
    case Prediction::Preconditioned: return "preconditioned";
    default: return "velocity";
  }
}

const char* warpPoolName(WarpPool pool) {
  switch (pool) {
    case WarpPool::Map: return "map";
    case WarpPool::Fit: return "fit";
    default: return "token";
  }
}

WarpPool parseWarpPool(const std::string& name) {
  if (name == "token") return WarpPool::Token;
  if (name == "map") return WarpPool::Map;
  if (name == "fit") return WarpPool::Fit;
  throw Error("unknown reference_warp_pool '" + name + "' (token, map or fit)", ErrorCode::InvalidArgument);
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
         {"max_references", d.max_references},
         {"prediction", predictionName(d.prediction)},
         {"reference_copy", d.reference_copy},
         {"reference_warp", d.reference_warp},
         {"reference_warp_pool", warpPoolName(d.reference_warp_pool)}}},
       {"text",
        {{"vocab_size", c.text.vocab_size},
         {"dim", c.text.dim},
         {"depth", c.text.depth},
         {"num_heads", c.text.num_heads},
         {"max_tokens", c.text.max_tokens},
         {"pooled_dim", c.text.pooled_dim}}},
       {"codec", {{"kind", c.codec.kind}, {"patch", c.codec.patch}, {"image_size", c.codec.image_size}}},
       {"reference_crop", c.reference_crop}};
}

void from_json(const nlohmann::json& j, ModelConfig& c) {
  try {
    c.name = j.at("name").get<std::string>();
    const auto& d = j.at("dit");
    readInt(d, "in_channels", c.dit.in_channels);
    readInt(d, "hidden", c.dit.hidden);
    readInt(d, "num_heads", c.dit.num_heads);
    readInt(d, "depth_double", c.dit.depth_double);
    readInt(d, "depth_single", c.dit.depth_single);
    d.at("mlp_ratio").get_to(c.dit.mlp_ratio);
    const auto& axes = d.at("axes_dim");
    if (!axes.is_array() || axes.size() != c.dit.axes_dim.size())
      throw Error("model config: \"axes_dim\" must be a list of 3 integers", ErrorCode::InvalidArgument);
    for (std::size_t i = 0; i < c.dit.axes_dim.size(); ++i)
      c.dit.axes_dim[i] =
          io::jsonInteger<std::int64_t>(axes[i], "model config: \"axes_dim\"", ErrorCode::InvalidArgument);
    d.at("theta").get_to(c.dit.theta);
    d.at("qkv_bias").get_to(c.dit.qkv_bias);
    d.at("guidance_embed").get_to(c.dit.guidance_embed);
    readInt(d, "context_dim", c.dit.context_dim);
    readInt(d, "vec_dim", c.dit.vec_dim);
    const auto positions = d.at("positions").get<std::string>();
    if (positions != "frame-wise" && positions != "uno-offset")
      throw Error("unknown positions '" + positions + "' (frame-wise or uno-offset)", ErrorCode::InvalidArgument);
    c.dit.positions = positions == "frame-wise" ? PositionEncoding::FrameWise : PositionEncoding::UnoOffset;
    readInt(d, "max_references", c.dit.max_references);
    // Absent in checkpoints written before the switch existed: those predict velocity.
    const auto prediction = d.value("prediction", std::string("velocity"));
    if (prediction == "velocity") c.dit.prediction = Prediction::Velocity;
    else if (prediction == "x0") c.dit.prediction = Prediction::X0;
    else if (prediction == "preconditioned") c.dit.prediction = Prediction::Preconditioned;
    else throw Error("unknown prediction '" + prediction + "' (velocity, x0 or preconditioned)", ErrorCode::InvalidArgument);
    // Absent before the pointer head existed: off.
    c.dit.reference_copy = d.value("reference_copy", false);
    c.dit.reference_warp = d.value("reference_warp", false);
    c.dit.reference_warp_pool = parseWarpPool(d.value("reference_warp_pool", std::string("token")));
    const auto& t = j.at("text");
    readInt(t, "vocab_size", c.text.vocab_size);
    readInt(t, "dim", c.text.dim);
    readInt(t, "depth", c.text.depth);
    readInt(t, "num_heads", c.text.num_heads);
    readInt(t, "max_tokens", c.text.max_tokens);
    readInt(t, "pooled_dim", c.text.pooled_dim);
    const auto& k = j.at("codec");
    k.at("kind").get_to(c.codec.kind);
    readInt(k, "patch", c.codec.patch);
    readInt(k, "image_size", c.codec.image_size);
    // Absent before cropped-reference models existed: whole references.
    c.reference_crop = j.value("reference_crop", false);
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
  if (d.reference_copy) n += 2 * linear(h, 2 * head) + linear(h, 3);
  if (d.reference_warp) n += linear(h, 1 + 4) + linear(h, 3 * 4);  // ReferenceWarpImpl::kMaxReferences
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
