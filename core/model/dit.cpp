#include "model/dit.h"

#include <limits>
#include <numeric>
#include <string>

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/image_codec.h"
#include "tensor/torch_compat.h"

namespace psr::model {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw Error("DiT: " + what, ErrorCode::InvalidArgument);
}

std::string shapeOf(const at::Tensor& t) { return t.defined() ? c10::str(t.sizes()) : std::string("undefined"); }

// The target's token grid from its positions (rows and columns count from 0 on frame 0).
ImageGrid targetGrid(const at::Tensor& positions, std::int64_t tokens) {
  const auto p = positions.cpu();
  const ImageGrid grid{p.select(1, 1).max().item<std::int64_t>() + 1, p.select(1, 2).max().item<std::int64_t>() + 1};
  if (grid.tokens() != tokens)
    throw Error("reference warp: target positions span " + std::to_string(grid.h) + "x" + std::to_string(grid.w) +
                    ", not " + std::to_string(tokens) + " tokens",
                ErrorCode::InvalidArgument);
  return grid;
}

at::Tensor mergeHeads(const at::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}

void checkPresent(const at::Tensor& present, std::int64_t batch, std::int64_t references) {
  require(
      !present.defined() || (present.dim() == 2 && present.size(0) == batch && present.size(1) == references),
      "present must be [" + std::to_string(batch) + ", " + std::to_string(references) + "], got " + shapeOf(present));
}

// Queries, keys and values of several token groups as one sequence (along L).
HeadProjections concatTokens(const std::vector<HeadProjections>& parts) {
  std::vector<at::Tensor> q, k, v;
  for (const auto& p : parts) {
    q.push_back(p.q);
    k.push_back(p.k);
    v.push_back(p.v);
  }
  return {at::cat(q, 2), at::cat(k, 2), at::cat(v, 2)};
}

at::Tensor toBatch(const at::Tensor& t, std::int64_t batch) {
  if (t.size(0) == batch) return t;
  require(t.size(0) == 1, "reference batch " + std::to_string(t.size(0)) + " does not match batch " +
                              std::to_string(batch) + " (use 1 to share references)");
  auto sizes = t.sizes().vec();
  sizes[0] = batch;
  return t.expand(sizes);
}

std::int64_t totalTokens(const std::vector<std::int64_t>& lengths) {
  return std::accumulate(lengths.begin(), lengths.end(), std::int64_t{0});
}

// Which reference each reference token belongs to, [Nr] int64.
at::Tensor referenceSegments(const std::vector<std::int64_t>& lengths, const at::Device& device) {
  std::vector<at::Tensor> parts;
  for (std::size_t k = 0; k < lengths.size(); ++k)
    parts.push_back(at::full({lengths[k]}, std::int64_t(k), at::TensorOptions().dtype(at::kLong)));
  return at::cat(parts).to(device);
}

at::Tensor toBias(const at::Tensor& allowed) {
  return at::zeros(allowed.sizes(), at::TensorOptions().dtype(at::kFloat).device(allowed.device()))
      .masked_fill_(allowed.logical_not(), -std::numeric_limits<float>::infinity());
}

// Keys that text and target queries may see: real text, the whole target, present references.
at::Tensor mainKeyMask(std::int64_t batch, std::int64_t txt, std::int64_t img, const std::vector<std::int64_t>& lengths,
                       const at::Tensor& txtMask, const at::Tensor& present, const at::Device& device) {
  const auto opts = at::TensorOptions().dtype(at::kBool).device(device);
  std::vector<at::Tensor> parts{txtMask.defined() ? txtMask.to(device, at::kBool) : at::ones({batch, txt}, opts),
                                at::ones({batch, img}, opts)};
  if (!lengths.empty()) {
    const auto segments = referenceSegments(lengths, device);
    parts.push_back(present.defined() ? present.to(device, at::kBool).index_select(1, segments)
                                      : at::ones({batch, totalTokens(lengths)}, opts));
  }
  return at::cat(parts, 1);
}

// Block-diagonal mask: each reference token sees only its own reference, [Nr, Nr].
at::Tensor referenceSelfMask(const std::vector<std::int64_t>& lengths, const at::Device& device) {
  const auto segments = referenceSegments(lengths, device);
  return segments.unsqueeze(1) == segments.unsqueeze(0);
}

RopeTables rows(const RopeTables& pe, std::int64_t start, std::int64_t length) {
  return {pe.cos.narrow(0, start, length), pe.sin.narrow(0, start, length)};
}

// Per reference token: whether its reference is present, [B, Nr] (undefined = all present).
at::Tensor tokenPresence(const at::Tensor& present, const std::vector<std::int64_t>& lengths, const at::Device& device) {
  if (!present.defined()) return {};
  return present.to(device, at::kBool).index_select(1, referenceSegments(lengths, device));
}

}  // namespace

ReferenceTokens makeReferenceTokens(const std::vector<at::Tensor>& tokens, const std::vector<ImageGrid>& grids,
                                    const ImageGrid& target, PositionEncoding encoding) {
  require(tokens.size() == grids.size(), "one grid per reference is needed");
  ReferenceTokens refs;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    require(tokens[k].dim() == 3 && tokens[k].size(1) == grids[k].tokens(),
            "reference " + std::to_string(k + 1) + " has tokens " + shapeOf(tokens[k]) + " for a " +
                std::to_string(grids[k].h) + "x" + std::to_string(grids[k].w) + " grid");
    refs.lengths.push_back(grids[k].tokens());
  }
  refs.grids = grids;
  if (!tokens.empty()) refs.tokens = at::cat(tokens, 1);
  refs.positions = referencePositions(encoding, target, grids);
  return refs;
}

DitImpl::DitImpl(DitConfig config) : config_(std::move(config)) {
  const auto h = config_.hidden;
  img_in = register_module("img_in", torch::nn::Linear(config_.in_channels, h));
  time_in = register_module("time_in", MlpEmbedder(256, h));
  vector_in = register_module("vector_in", MlpEmbedder(config_.vec_dim, h));
  if (config_.guidance_embed) guidance_in = register_module("guidance_in", MlpEmbedder(256, h));
  txt_in = register_module("txt_in", torch::nn::Linear(config_.context_dim, h));
  double_blocks = register_module("double_blocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config_.depth_double; ++i) double_blocks->push_back(DoubleStreamBlock(config_));
  single_blocks = register_module("single_blocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config_.depth_single; ++i) single_blocks->push_back(SingleStreamBlock(config_));
  final_layer = register_module("final_layer", LastLayer(h, config_.in_channels));
  if (config_.reference_copy) reference_copy = register_module("reference_copy", ReferenceCopy(h, config_.headDim()));
  if (config_.reference_warp)
    reference_warp = register_module("reference_warp", ReferenceWarp(h, config_.patchSize(), config_.reference_warp_pool));
  zeroInitModulation();
}

void DitImpl::zeroInitModulation() {
  // adaLN-Zero (DiT): every block starts as the identity and the output as zero, which keeps
  // training from scratch stable; pretrained checkpoints overwrite all of it.
  at::NoGradGuard noGrad;
  for (auto& p : named_parameters()) {
    const auto& name = p.key();
    if (name.find("_mod.lin.") != std::string::npos || name.find("modulation.lin.") != std::string::npos ||
        name.rfind("final_layer.", 0) == 0)
      p.value().zero_();
  }
}

void DitImpl::checkInputs(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                          const TextCondition& text, std::int64_t references) const {
  require(img.dim() == 3 && img.size(2) == config_.in_channels,
          "target tokens must be [B, N, " + std::to_string(config_.in_channels) + "], got " + shapeOf(img));
  const auto b = img.size(0);
  require(imgPositions.dim() == 2 && imgPositions.size(0) == img.size(1) && imgPositions.size(1) == 3,
          "target positions must be [N, 3], got " + shapeOf(imgPositions));
  require(timesteps.dim() == 1 && timesteps.size(0) == b, "timesteps must be [B], got " + shapeOf(timesteps));
  require(text.tokens.dim() == 3 && text.tokens.size(0) == b && text.tokens.size(2) == config_.context_dim,
          "text tokens must be [B, L, " + std::to_string(config_.context_dim) + "], got " + shapeOf(text.tokens));
  require(text.pooled.dim() == 2 && text.pooled.size(0) == b && text.pooled.size(1) == config_.vec_dim,
          "pooled text must be [B, " + std::to_string(config_.vec_dim) + "], got " + shapeOf(text.pooled));
  require(!text.mask.defined() || text.mask.sizes() == text.tokens.sizes().slice(0, 2),
          "text mask must be [B, L], got " + shapeOf(text.mask));
  checkReferenceCount(references);
}

void DitImpl::checkReferenceCount(std::int64_t references) const {
  if (references > config_.max_references)
    throw Error(std::to_string(references) + " references given; this model accepts at most " +
                    std::to_string(config_.max_references),
                ErrorCode::InvalidArgument);
}

void DitImpl::checkReferences(const ReferenceTokens& refs) const {
  checkReferenceCount(refs.count());
  const auto nr = totalTokens(refs.lengths);
  require(refs.tokens.dim() == 3 && refs.tokens.size(1) == nr && refs.tokens.size(2) == config_.in_channels &&
              refs.positions.dim() == 2 && refs.positions.size(0) == nr,
          "reference tokens " + shapeOf(refs.tokens) + " / positions " + shapeOf(refs.positions) +
              " do not match their lengths (" + std::to_string(nr) + " tokens of " +
              std::to_string(config_.in_channels) + " channels)");
}

at::Tensor DitImpl::conditioningVector(const at::Tensor& timesteps, const at::Tensor& pooled,
                                       const at::Tensor& guidance) {
  const auto dtype = img_in->weight.scalar_type();
  auto vec = time_in->forward(timestepEmbedding(timesteps).to(dtype)) + vector_in->forward(pooled);
  if (config_.guidance_embed) {
    require(guidance.defined(), "this model (guidance_embed) needs a guidance value per sample");
    vec = vec + guidance_in->forward(timestepEmbedding(guidance).to(dtype));
  }
  return vec;
}

at::Tensor DitImpl::scaleInput(const at::Tensor& img, const at::Tensor& timesteps) const {
  if (config_.prediction != Prediction::Preconditioned) return img;
  // c_in = 1 / std(x_t) = 1 / sqrt((1 - t)² s² + t²), so every noise level enters at unit scale.
  const double s2 = kSigmaData * kSigmaData;
  const auto t = timesteps.to(img.scalar_type()).view({-1, 1, 1});
  return img * ((1 - t).square() * s2 + t.square()).rsqrt();
}

at::Tensor DitImpl::scaleReferences(const at::Tensor& tokens) const {
  // References are clean images: c_in(0) = 1 / s, the scale of a clean target token.
  return config_.prediction == Prediction::Preconditioned ? tokens * (1.0 / kSigmaData) : tokens;
}

at::Tensor DitImpl::toVelocity(const at::Tensor& out, const at::Tensor& img, const at::Tensor& timesteps) const {
  if (config_.prediction == Prediction::Velocity) return out;
  if (config_.prediction == Prediction::Preconditioned) {
    // x0 = c_skip x_t + c_out F with D = (1 - t)² s² + t², c_skip = (1 - t) s² / D and
    // c_out = t s / sqrt(D); v = (x_t - x0) / t written without the division, so it stays
    // finite down to t = 0: v = x_t (t - (1 - t) s²) / D - F s / sqrt(D).
    const double s = kSigmaData, s2 = s * s;
    const auto t = timesteps.to(out.scalar_type()).view({-1, 1, 1});
    const auto d = (1 - t).square() * s2 + t.square();
    return img.to(out.scalar_type()) * ((t - (1 - t) * s2) / d) - out * (s * d.rsqrt());
  }
  // x_t = (1 - t) x0 + t n and v = n - x0 give v = (x_t - x0) / t. The floor keeps the last
  // steps finite; the loss stays in velocity space, which weights small t by 1 / t^2 (as JiT).
  const auto t = timesteps.to(out.scalar_type()).clamp_min(0.05).view({-1, 1, 1});
  return (img.to(out.scalar_type()) - out) / t;
}

at::Tensor DitImpl::output(const at::Tensor& hidden, const at::Tensor& vec, const RopeTables& pe,
                           const HeadInputs& in) {
  auto out = final_layer->forward(hidden, vec);
  if (reference_copy && in.copyKeys.defined())
    out = reference_copy->mix(out, hidden, pe, in.copyKeys, in.copyValues, in.tokenPresent);
  if (reference_warp && !in.warpImages.empty())
    out = reference_warp->mix(out, hidden, in.grid, in.warpImages, in.present, in.trace);
  return out;
}

std::vector<at::Tensor> DitImpl::referenceImages(const at::Tensor& tokens, const std::vector<std::int64_t>& lengths,
                                                 const std::vector<ImageGrid>& grids) const {
  require(grids.size() == lengths.size(), "reference_warp needs each reference's grid (makeReferenceTokens sets them)");
  const PatchCodec codec(config_.patchSize());
  std::vector<at::Tensor> images;
  std::int64_t offset = 0;
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    const auto& g = grids[k];
    require(g.tokens() == lengths[k], "reference " + std::to_string(k + 1) + "'s grid does not match its tokens");
    images.push_back(codec.decode({tokens.narrow(1, offset, lengths[k]), g}));
    offset += lengths[k];
  }
  return images;
}

at::Tensor DitImpl::referenceVector() {
  const auto& w = img_in->weight;
  return time_in->forward(timestepEmbedding(at::zeros({1}, w.options())).to(w.scalar_type()));
}

at::Tensor DitImpl::forward(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                            const TextCondition& text, const ReferenceTokens& refs, const at::Tensor& guidance,
                            WarpTrace* warpTrace) {
  const auto n = refs.count();
  checkInputs(img, imgPositions, timesteps, text, n);
  const auto b = img.size(0), lt = text.tokens.size(1), ni = img.size(1);
  const auto nr = totalTokens(refs.lengths);
  const bool hasRefs = n > 0;
  if (hasRefs) checkReferences(refs);
  checkPresent(refs.present, b, n);
  const auto device = img.device();

  const auto vec = conditioningVector(timesteps, text.pooled, guidance);
  auto x = img_in->forward(scaleInput(img, timesteps));
  auto t = txt_in->forward(text.tokens);
  at::Tensor r, vecRef;
  if (hasRefs) {
    r = toBatch(img_in->forward(scaleReferences(refs.tokens)), b);
    vecRef = referenceVector();
  }
  std::vector<at::Tensor> positions{textPositions(lt), imgPositions.cpu()};
  if (hasRefs) positions.push_back(refs.positions.cpu());
  auto pe = ropeTables(at::cat(positions, 0), config_.axes_dim, config_.theta);
  pe = {pe.cos.to(device), pe.sin.to(device)};

  // One mask for the joint sequence: text/target rows see every allowed key, reference rows
  // only their own reference.
  at::Tensor bias;
  if (text.mask.defined() || hasRefs) {
    const auto keys = mainKeyMask(b, lt, ni, refs.lengths, text.mask, refs.present, device);
    auto allowed = keys.unsqueeze(1).expand({b, lt + ni + nr, lt + ni + nr}).clone();
    if (hasRefs) {
      auto refRows = allowed.narrow(1, lt + ni, nr);
      refRows.narrow(2, 0, lt + ni).fill_(false);
      refRows.narrow(2, lt + ni, nr).copy_(referenceSelfMask(refs.lengths, device));
    }
    bias = toBias(allowed).unsqueeze(1);
  }

  const auto joint = [&](const std::vector<HeadProjections>& parts) {
    const auto all = concatTokens(parts);
    return mergeHeads(compat::attention(applyRope(all.q, pe), applyRope(all.k, pe), all.v, bias));
  };

  // The pointer head reads the reference states that enter the last block, as the cache does.
  at::Tensor rLast;
  for (const auto& module : *double_blocks) {
    auto& block = *module->as<DoubleStreamBlockImpl>();
    rLast = r;
    const auto mImg = block.img.mod->forward(vec), mTxt = block.txt.mod->forward(vec);
    std::vector<HeadProjections> parts{block.projectTxt(t, mTxt[0]), block.projectImg(x, mImg[0])};
    std::array<ModulationParams, 2> mRef;
    if (hasRefs) {
      mRef = block.img.mod->forward(vecRef);
      parts.push_back(block.projectImg(r, mRef[0]));
    }
    const auto attn = joint(parts);
    t = block.updateTxt(t, attn.narrow(1, 0, lt), mTxt);
    x = block.updateImg(x, attn.narrow(1, lt, ni), mImg);
    if (hasRefs) r = block.updateImg(r, attn.narrow(1, lt + ni, nr), mRef);
  }
  auto main = at::cat({t, x}, 1);
  std::size_t remaining = single_blocks->size();
  for (const auto& module : *single_blocks) {
    auto& block = *module->as<SingleStreamBlockImpl>();
    rLast = r;
    const auto m = block.modulation->forward(vec)[0];
    const auto pm = block.project(main, m);
    std::vector<HeadProjections> parts{pm.heads};
    SingleProjections pr;
    ModulationParams mr;
    if (hasRefs) {
      mr = block.modulation->forward(vecRef)[0];
      pr = block.project(r, mr);
      parts.push_back(pr.heads);
    }
    const auto attn = joint(parts);
    main = block.update(main, attn.narrow(1, 0, lt + ni), pm.mlp, m);
    // Reference tokens are only ever read as keys/values: the last block's update has no reader.
    if (hasRefs && --remaining > 0) r = block.update(r, attn.narrow(1, lt + ni, nr), pr.mlp, mr);
  }
  HeadInputs heads;
  if (reference_copy && hasRefs) {
    heads.copyKeys = reference_copy->keys(rLast, rows(pe, lt + ni, nr));
    heads.copyValues = toBatch(refs.tokens, b);
    heads.tokenPresent = tokenPresence(refs.present, refs.lengths, device);
  }
  if (reference_warp && hasRefs) {
    heads.warpImages = referenceImages(refs.tokens, refs.lengths, refs.grids);
    heads.present = refs.present;
    heads.grid = targetGrid(imgPositions, ni);
    heads.trace = warpTrace;
  }
  const auto out = output(main.narrow(1, lt, ni), vec, rows(pe, lt, ni), heads);
  return toVelocity(out, img, timesteps);
}

ReferenceCache DitImpl::encodeReferences(const ReferenceTokens& refs) {
  ReferenceCache cache;
  const auto n = refs.count();
  if (n == 0) return cache;
  checkReferences(refs);
  cache.lengths = refs.lengths;
  const auto device = refs.tokens.device();
  auto r = img_in->forward(scaleReferences(refs.tokens));
  const auto vecRef = referenceVector();
  auto pe = ropeTables(refs.positions.cpu(), config_.axes_dim, config_.theta);
  pe = {pe.cos.to(device), pe.sin.to(device)};
  const auto bias = n > 1 ? toBias(referenceSelfMask(refs.lengths, device)) : at::Tensor();
  const auto blocks = std::int64_t(double_blocks->size() + single_blocks->size());
  std::int64_t index = 0;

  // Keys/values of each block are what later steps read; the last block's update is never used.
  const auto attend = [&](const HeadProjections& p) {
    cache.keys.push_back(applyRope(p.k, pe));
    cache.values.push_back(p.v);
    return ++index < blocks ? mergeHeads(compat::attention(applyRope(p.q, pe), cache.keys.back(), p.v, bias))
                            : at::Tensor();
  };
  for (const auto& module : *double_blocks) {
    auto& block = *module->as<DoubleStreamBlockImpl>();
    const auto m = block.img.mod->forward(vecRef);
    const auto attn = attend(block.projectImg(r, m[0]));
    if (attn.defined()) r = block.updateImg(r, attn, m);
  }
  for (const auto& module : *single_blocks) {
    auto& block = *module->as<SingleStreamBlockImpl>();
    const auto m = block.modulation->forward(vecRef)[0];
    const auto p = block.project(r, m);
    const auto attn = attend(p.heads);
    if (attn.defined()) r = block.update(r, attn, p.mlp, m);
  }
  // r now holds the states that entered the last block (its update is skipped above).
  if (reference_copy) {
    cache.copyKeys = reference_copy->keys(r, pe);
    cache.copyValues = refs.tokens;
  }
  if (reference_warp) cache.warpImages = referenceImages(refs.tokens, refs.lengths, refs.grids);
  return cache;
}

at::Tensor DitImpl::forwardCached(const at::Tensor& img, const at::Tensor& imgPositions, const at::Tensor& timesteps,
                                  const TextCondition& text, const ReferenceCache& cache, const at::Tensor& present,
                                  const at::Tensor& guidance) {
  const auto n = std::int64_t(cache.lengths.size());
  checkInputs(img, imgPositions, timesteps, text, n);
  const auto blocks = double_blocks->size() + single_blocks->size();
  require(cache.empty() || (cache.keys.size() == blocks && cache.values.size() == blocks),
          "the reference cache holds " + std::to_string(cache.keys.size()) + " blocks, this model has " +
              std::to_string(blocks));
  checkPresent(present, img.size(0), n);
  const auto b = img.size(0), lt = text.tokens.size(1), ni = img.size(1);
  const auto device = img.device();

  const auto vec = conditioningVector(timesteps, text.pooled, guidance);
  auto x = img_in->forward(scaleInput(img, timesteps));
  auto t = txt_in->forward(text.tokens);
  auto pe = ropeTables(at::cat({textPositions(lt), imgPositions.cpu()}, 0), config_.axes_dim, config_.theta);
  pe = {pe.cos.to(device), pe.sin.to(device)};
  at::Tensor bias;
  if (text.mask.defined() || (n > 0 && present.defined()))
    bias = toBias(mainKeyMask(b, lt, ni, cache.lengths, text.mask, present, device)).view({b, 1, 1, -1});

  std::size_t index = 0;
  const auto attend = [&](const std::vector<HeadProjections>& parts) {
    const auto all = concatTokens(parts);
    auto keys = applyRope(all.k, pe), values = all.v;
    if (!cache.empty()) {
      keys = at::cat({keys, toBatch(cache.keys[index], b)}, 2);
      values = at::cat({values, toBatch(cache.values[index], b)}, 2);
    }
    ++index;
    return mergeHeads(compat::attention(applyRope(all.q, pe), keys, values, bias));
  };

  for (const auto& module : *double_blocks) {
    auto& block = *module->as<DoubleStreamBlockImpl>();
    const auto mImg = block.img.mod->forward(vec), mTxt = block.txt.mod->forward(vec);
    const auto attn = attend({block.projectTxt(t, mTxt[0]), block.projectImg(x, mImg[0])});
    t = block.updateTxt(t, attn.narrow(1, 0, lt), mTxt);
    x = block.updateImg(x, attn.narrow(1, lt, ni), mImg);
  }
  auto main = at::cat({t, x}, 1);
  for (const auto& module : *single_blocks) {
    auto& block = *module->as<SingleStreamBlockImpl>();
    const auto m = block.modulation->forward(vec)[0];
    const auto p = block.project(main, m);
    main = block.update(main, attend({p.heads}), p.mlp, m);
  }
  HeadInputs heads;
  if (!cache.empty()) {
    heads.copyKeys = cache.copyKeys;
    heads.copyValues = cache.copyValues;
    heads.tokenPresent = tokenPresence(present, cache.lengths, device);
    heads.warpImages = cache.warpImages;
    heads.present = present;
    heads.grid = targetGrid(imgPositions, ni);
  }
  const auto out = output(main.narrow(1, lt, ni), vec, rows(pe, lt, ni), heads);
  return toVelocity(out, img, timesteps);
}

}  // namespace psr::model
