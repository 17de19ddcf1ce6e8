#pragma once
// Sizes of the generator (DiT, text encoder, image codec) as one JSON-serialisable value, the
// named presets, and the closed-form parameter and FLOP counts derived from them.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace psr::model {

/// Where reference tokens sit in RoPE space.
enum class PositionEncoding {
  FrameWise,  ///< target at frame 0, reference k at frame k, every image on its own (h, w) grid (PSR)
  UnoOffset,  ///< everything at frame 0, reference k shifted diagonally past the previous image (UNO)
};

/// The DiT's dimensions in FLUX.1 terms; also the options of DitImpl.
enum class Prediction { Velocity, X0, Preconditioned };
/// How the warp head's per-token lookups become the ones it samples with (model/reference_warp.h).
enum class WarpPool {
  Token,  ///< each token samples where it predicted
  Map,    ///< each token guesses its reference's one map; the gate-weighted mean is used
  Fit,    ///< one map per reference fitted to the tokens' own lookups, weighted by the gate
};

struct DitConfig {
  std::int64_t in_channels = 192;  ///< channels of one latent token (= out channels)
  std::int64_t hidden = 256;
  std::int64_t num_heads = 4;
  std::int64_t depth_double = 4;  ///< double-stream (joint attention) blocks
  std::int64_t depth_single = 4;  ///< single-stream blocks
  double mlp_ratio = 4.0;
  std::array<std::int64_t, 3> axes_dim{8, 28, 28};  ///< RoPE dims of (frame, h, w); sum = head dim
  double theta = 10000.0;
  bool qkv_bias = true;
  bool guidance_embed = false;     ///< FLUX-dev's distilled-guidance input (guidance_in)
  std::int64_t context_dim = 256;  ///< text token width entering txt_in
  std::int64_t vec_dim = 256;      ///< pooled text width entering vector_in
  PositionEncoding positions = PositionEncoding::FrameWise;
  std::int64_t max_references = 4;
  /// What final_layer outputs. Velocity: v directly (FLUX). X0: the clean image, turned into
  /// v = (x_t - x0) / max(t, 0.05) inside the DiT, so every caller still receives a velocity.
  /// Pixel patches of 192 values through a 192-wide model learned x0 far faster than v
  /// (the high-dimensional-patch argument of Li & He 2025, "Back to Basics"); see docs/generator.md.
  /// Preconditioned: x0 = c_skip(t)·x_t + c_out(t)·F(c_in(t)·x_t) (Karras et al. 2022, "EDM",
  /// derived for rectified flow with data std 0.5), also turned into a velocity inside the DiT.
  /// Plain X0 must learn to stop passing its noisy input through at high t; an undertrained
  /// model left that noise in every patch of its samples. Here the skip path is exact at every
  /// t and F predicts a unit-variance residual, but at low t that residual is the noise, the
  /// target x0 prediction avoids: from scratch it sampled pixel noise far longer than x0 did
  /// (docs/generator.md, "Grain"), so the presets keep X0.
  Prediction prediction = Prediction::Velocity;
  /// A pointer head after the last block (`reference_copy.*`, model/reference_copy.h): each
  /// target token attends once more over the reference tokens and may take their raw pixels as
  /// its clean-image prediction, mixed with final_layer's by a per-token gate. It gives the
  /// model a path on which copying a reference patch is one attention step, which the plain
  /// DiT had not learned in ~4,000 CPU steps (docs/generator.md, "Reference use"). X0 only.
  bool reference_copy = false;
  /// A warp head after the last block (`reference_warp.*`, model/reference_warp.h): each target
  /// token predicts where it lies in each reference and at what scale, and samples its pixels
  /// there, mixed with final_layer's x0 by a per-token gate. Unlike the pointer head it can draw
  /// a moved, rescaled subject. X0 and pixel patches only; an alternative to reference_copy.
  bool reference_warp = false;
  /// With reference_warp: whether every token samples where it predicted (token), or one map
  /// (scale and shift) per reference and image is drawn from the tokens' predictions (map,
  /// fit), so that a subject is one rigid, rescaled copy rather than a mosaic of independently
  /// placed patches (docs/generator.md, "One map per reference").
  WarpPool reference_warp_pool = WarpPool::Token;

  std::int64_t headDim() const { return hidden / num_heads; }
  /// Pixels per token side of a pixel-patch codec (in_channels = 3 · patch²).
  std::int64_t patchSize() const { return static_cast<std::int64_t>(std::lround(std::sqrt(double(in_channels) / 3.0))); }
  std::int64_t mlpHidden() const { return static_cast<std::int64_t>(double(hidden) * mlp_ratio); }
};

/// The small transformer text encoder trained with the model (absent for external encoders).
struct TextEncoderConfig {
  std::int64_t vocab_size = 512;  ///< 0: an external encoder (T5/CLIP) supplies the embeddings
  std::int64_t dim = 256;         ///< token width; equals DitConfig::context_dim
  std::int64_t depth = 2;
  std::int64_t num_heads = 4;
  std::int64_t max_tokens = 32;   ///< including the leading <s>
  std::int64_t pooled_dim = 256;  ///< equals DitConfig::vec_dim
};

/// How images become tokens.
struct CodecConfig {
  std::string kind = "pixel-patch";  ///< "pixel-patch" (built in) or "flux-vae" (external, 16 ch x 2x2)
  std::int64_t patch = 8;            ///< pixels per token side (pixel-patch)
  std::int64_t image_size = 64;      ///< training resolution (square)
};

/// A whole generator: what a checkpoint's config.json holds.
struct ModelConfig {
  std::string name;
  DitConfig dit;
  TextEncoderConfig text;
  CodecConfig codec;
  /// Trained on references cut to their subject (data.world.reference_crop): generation cuts a
  /// user's references to the detector's subject box first (train_data/reference_crop.h).
  bool reference_crop = false;

  /// Throws InvalidArgument naming the first inconsistency (head dim vs axes, widths, channels).
  void validate() const;
  /// Latent tokens of one image at the configured resolution.
  std::int64_t imageTokens() const;
};

/// "tiny", "default", "large", "flux-kontext-dev".
std::vector<std::string> presetNames();
/// A named preset; throws InvalidArgument for an unknown name, listing the known ones.
ModelConfig modelPreset(const std::string& name);

void to_json(nlohmann::json& j, const ModelConfig& config);
void from_json(const nlohmann::json& j, ModelConfig& config);
const char* positionEncodingName(PositionEncoding encoding);
const char* predictionName(Prediction prediction);
const char* warpPoolName(WarpPool pool);
/// "token", "map" or "fit"; throws InvalidArgument otherwise.
WarpPool parseWarpPool(const std::string& name);

/// Parameters of the DiT alone, from the config (matches DitImpl's parameters exactly).
std::int64_t ditParameterCount(const DitConfig& config);
/// Parameters of the text encoder (0 for an external one).
std::int64_t textEncoderParameterCount(const TextEncoderConfig& config);

/// Token counts of one DiT forward pass (per sample).
struct TokenCounts {
  std::int64_t txt = 0;
  std::int64_t img = 0;         ///< noisy target tokens
  std::int64_t ref = 0;         ///< all reference tokens together
  std::int64_t references = 0;  ///< how many references (for the block-diagonal reference attention)
};

/// Forward FLOPs of one sample (multiply-add = 2 FLOPs), split by kind.
struct FlopCount {
  double linear = 0;     ///< every weight matmul (projections, MLPs, modulation, embedders)
  double attention = 0;  ///< QK^T and AV
  double total() const { return linear + attention; }
};

/// FLOPs of the full joint forward (training path) over txt + target + references.
FlopCount ditForwardFlops(const DitConfig& config, const TokenCounts& tokens);
/// FLOPs of one cached sampling step: only txt + target are queries; cached reference K/V are read.
FlopCount ditCachedStepFlops(const DitConfig& config, const TokenCounts& tokens);

}  // namespace psr::model
