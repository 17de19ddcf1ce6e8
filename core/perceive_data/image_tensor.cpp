#include "perceive_data/image_tensor.h"

#include <cstring>

#include "common/error.h"
#include "world/image_codec.h"

namespace psr::perceive_data {

at::Tensor imageToTensor(const world::Image& image) {
  if (image.empty() || image.channels < 1 || image.channels > 4) {
    throw Error("empty image or unsupported channel count (" + std::to_string(image.channels) + ")",
                ErrorCode::InvalidArgument);
  }
  auto out = at::empty({3, image.height, image.width}, at::kByte);
  auto* dst = out.data_ptr<std::uint8_t>();
  const std::size_t plane = std::size_t(image.width) * image.height;
  for (std::size_t i = 0; i < plane; ++i) {
    const std::uint8_t* p = image.pixels.data() + i * std::size_t(image.channels);
    const bool colour = image.channels >= 3;
    const int alpha = image.channels == 4 ? p[3] : image.channels == 2 ? p[1] : 255;
    for (int c = 0; c < 3; ++c) {
      const int v = colour ? p[c] : p[0];
      dst[std::size_t(c) * plane + i] = std::uint8_t((v * alpha + 255 * (255 - alpha) + 127) / 255);
    }
  }
  return out;
}

at::Tensor readImageTensor(const std::filesystem::path& file) { return imageToTensor(world::readImageFile(file)); }

world::Image tensorToImage(const at::Tensor& chw) {
  auto t = chw.scalar_type() == at::kByte ? chw : (chw.clamp(0.0, 1.0) * 255.0).round().to(at::kByte);
  t = t.permute({1, 2, 0}).contiguous().cpu();
  world::Image image(int(t.size(1)), int(t.size(0)), 3);
  std::memcpy(image.pixels.data(), t.data_ptr<std::uint8_t>(), image.pixels.size());
  return image;
}

}  // namespace psr::perceive_data
