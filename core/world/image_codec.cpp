#include "world/image_codec.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <fstream>
#include <sstream>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"

namespace psr::world {
namespace {

cv::Mat asMat(const Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC(image.channels), const_cast<std::uint8_t*>(image.pixels.data()));
}

Image fromMat(const cv::Mat& mat) {
  Image out(mat.cols, mat.rows, mat.channels());
  cv::Mat view(mat.rows, mat.cols, mat.type(), out.pixels.data());
  mat.copyTo(view);
  return out;
}

// Premultiplied float RGBA, so that resampling and rotation never mix in the colour of
// transparent pixels.
cv::Mat premultiplied(const Image& rgba) {
  cv::Mat f;
  asMat(rgba).convertTo(f, CV_32FC4, 1.0 / 255.0);
  for (int y = 0; y < f.rows; ++y) {
    auto* p = f.ptr<cv::Vec4f>(y);
    for (int x = 0; x < f.cols; ++x) p[x][0] *= p[x][3], p[x][1] *= p[x][3], p[x][2] *= p[x][3];
  }
  return f;
}

Image unpremultiplied(const cv::Mat& f) {
  Image out(f.cols, f.rows, 4);
  for (int y = 0; y < f.rows; ++y) {
    const auto* p = f.ptr<cv::Vec4f>(y);
    std::uint8_t* d = out.at(0, y);
    for (int x = 0; x < f.cols; ++x, d += 4) {
      const float a = std::clamp(p[x][3], 0.0f, 1.0f);
      const float inv = a > 1e-6f ? 1.0f / a : 0.0f;
      for (int c = 0; c < 3; ++c) d[c] = std::uint8_t(std::lround(std::clamp(p[x][c] * inv, 0.0f, 1.0f) * 255.0f));
      d[3] = std::uint8_t(std::lround(a * 255.0f));
    }
  }
  return out;
}

}  // namespace

ImageHeader readImageHeader(std::string_view bytes, const std::string& what) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  auto corrupt = [&](const std::string& why) -> ImageHeader {
    throw Error("cannot decode image " + what + ": " + why, ErrorCode::Corrupt);
  };
  auto be16 = [&](std::size_t i) { return (unsigned(b[i]) << 8) | b[i + 1]; };
  auto be32 = [&](std::size_t i) { return (std::uint32_t(be16(i)) << 16) | be16(i + 2); };
  auto le16 = [&](std::size_t i) { return unsigned(b[i]) | (unsigned(b[i + 1]) << 8); };
  auto le24 = [&](std::size_t i) { return std::uint32_t(le16(i)) | (std::uint32_t(b[i + 2]) << 16); };
  auto le32 = [&](std::size_t i) { return std::uint32_t(le16(i)) | (std::uint32_t(le16(i + 2)) << 16); };
  auto dimension = [&](std::uint64_t v, const char* axis) {
    if (v == 0 || v > std::uint64_t(std::numeric_limits<int>::max()))
      corrupt(std::string("the header gives an invalid ") + axis + " of " + std::to_string(v));
    return int(v);
  };

  static constexpr unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 8 && std::memcmp(b, kPng, 8) == 0) {
    // The first chunk must be IHDR: length 13, width and height big-endian.
    if (n < 24) return corrupt("truncated PNG header");
    if (std::memcmp(b + 12, "IHDR", 4) != 0 || be32(8) != 13) return corrupt("PNG does not start with an IHDR chunk");
    return {"png", dimension(be32(16), "width"), dimension(be32(20), "height")};
  }
  if (n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) {
    if (n < 30) return corrupt("truncated WebP header");
    if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
      // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
      if (b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a) return corrupt("bad VP8 start code in WebP");
      return {"webp", dimension(le16(26) & 0x3fff, "width"), dimension(le16(28) & 0x3fff, "height")};
    }
    if (std::memcmp(b + 12, "VP8L", 4) == 0) {
      // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
      if (b[20] != 0x2f) return corrupt("bad VP8L signature in WebP");
      const std::uint32_t bits = le32(21);
      return {"webp", dimension((bits & 0x3fff) + 1, "width"), dimension(((bits >> 14) & 0x3fff) + 1, "height")};
    }
    if (std::memcmp(b + 12, "VP8X", 4) == 0) {
      // Extended: flags and reserved bytes, then canvas width-1 and height-1 in 24 bits each.
      return {"webp", dimension(std::uint64_t(le24(24)) + 1, "width"), dimension(std::uint64_t(le24(27)) + 1, "height")};
    }
    return corrupt("unknown WebP chunk");
  }
  if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) {
    // Walk the marker segments up to the first start-of-frame, which holds the size.
    std::size_t i = 2;
    for (;;) {
      const std::size_t markerStart = i;
      while (i < n && b[i] == 0xff) ++i;  // 0xff, possibly repeated as fill bytes, then the marker
      if (i >= n) return corrupt("truncated JPEG header");
      if (i == markerStart) return corrupt("bad JPEG marker");
      const unsigned marker = b[i++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;  // no length
      if (marker == 0xd9 || marker == 0xda) return corrupt("JPEG has no frame header before its image data");
      if (i + 2 > n) return corrupt("truncated JPEG header");
      const unsigned length = be16(i);
      if (length < 2) return corrupt("bad JPEG segment length");
      const bool frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (frame) {
        if (length < 8 || i + 7 > n) return corrupt("truncated JPEG frame header");
        return {"jpeg", dimension(be16(i + 5), "width"), dimension(be16(i + 3), "height")};
      }
      i += length;
    }
  }
  return corrupt("not a PNG, JPEG or WebP file");
}

Image decodeImage(std::string_view bytes, const std::string& what, const ImageLimits& limits) {
  if (bytes.size() > limits.maxFileBytes) {
    throw Error("cannot decode image " + what + ": " + std::to_string(bytes.size()) + " bytes exceed the limit of " +
                    std::to_string(limits.maxFileBytes),
                ErrorCode::Corrupt);
  }
  const ImageHeader header = readImageHeader(bytes, what);
  if (header.width > limits.maxSide || header.height > limits.maxSide ||
      std::int64_t(header.width) * header.height > limits.maxPixels) {
    throw Error("cannot decode image " + what + ": its " + header.format + " header claims " +
                    std::to_string(header.width) + "x" + std::to_string(header.height) +
                    " pixels, more than the limit of " + std::to_string(limits.maxSide) + " a side and " +
                    std::to_string(limits.maxPixels) + " in all",
                ErrorCode::Corrupt);
  }
  const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error("cannot decode image " + what + ": " + e.what(), ErrorCode::Corrupt);
  }
  if (decoded.empty()) throw Error("cannot decode image " + what, ErrorCode::Corrupt);
  if (decoded.depth() != CV_8U) throw Error("unsupported bit depth in image " + what + " (8 bits per channel only)", ErrorCode::Corrupt);
  // The decoder must agree with the header that was checked (a second frame header or a
  // chunk that changes the size would otherwise slip past the limits).
  if (decoded.cols > limits.maxSide || decoded.rows > limits.maxSide ||
      std::int64_t(decoded.cols) * decoded.rows > limits.maxPixels) {
    throw Error("cannot decode image " + what + ": decoded size exceeds the limits", ErrorCode::Corrupt);
  }
  cv::Mat rgba;
  switch (decoded.channels()) {
    case 1: cv::cvtColor(decoded, rgba, cv::COLOR_GRAY2RGBA); break;
    case 3: cv::cvtColor(decoded, rgba, cv::COLOR_BGR2RGBA); break;
    case 4: cv::cvtColor(decoded, rgba, cv::COLOR_BGRA2RGBA); break;
    default: throw Error("unsupported channel count in image " + what, ErrorCode::Corrupt);
  }
  return fromMat(rgba);
}

std::string encodePng(const Image& image) {
  cv::Mat bgr;
  if (image.channels == 4) {
    cv::cvtColor(asMat(image), bgr, cv::COLOR_RGBA2BGRA);
  } else if (image.channels == 3) {
    cv::cvtColor(asMat(image), bgr, cv::COLOR_RGB2BGR);
  } else {
    throw Error("encodePng needs an RGB or RGBA image", ErrorCode::InvalidArgument);
  }
  std::vector<std::uint8_t> out;
  if (!cv::imencode(".png", bgr, out)) throw Error("PNG encoding failed", ErrorCode::Io);
  return std::string(out.begin(), out.end());
}

Image readImageFile(const std::filesystem::path& file, const ImageLimits& limits) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string(), ErrorCode::NotFound);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > limits.maxFileBytes) {
    throw Error("cannot decode image " + file.string() + ": " + std::to_string(size) + " bytes exceed the limit of " +
                    std::to_string(limits.maxFileBytes),
                ErrorCode::Corrupt);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return decodeImage(bytes.str(), file.string(), limits);
}

void writePngFile(const std::filesystem::path& file, const Image& image) {
  const std::string bytes = encodePng(image);
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw Error("cannot write " + tmp, ErrorCode::Io);
  }
  std::filesystem::rename(tmp, file);
}

Image resizeRgba(const Image& rgba, int width, int height) {
  if (rgba.channels != 4) throw Error("resizeRgba needs an RGBA image", ErrorCode::InvalidArgument);
  if (width == rgba.width && height == rgba.height) return rgba;
  const bool shrinking = width < rgba.width && height < rgba.height;
  cv::Mat out;
  cv::resize(premultiplied(rgba), out, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return unpremultiplied(out);
}

Image rotatedRgba(const Image& rgba, double degrees) {
  const double rad = degrees * M_PI / 180.0;
  const double c = std::abs(std::cos(rad)), s = std::abs(std::sin(rad));
  const int w = int(std::ceil(rgba.width * c + rgba.height * s));
  const int h = int(std::ceil(rgba.width * s + rgba.height * c));
  cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(rgba.width / 2.0f, rgba.height / 2.0f), degrees, 1.0);
  m.at<double>(0, 2) += (w - rgba.width) / 2.0;
  m.at<double>(1, 2) += (h - rgba.height) / 2.0;
  cv::Mat out;
  cv::warpAffine(premultiplied(rgba), out, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return unpremultiplied(out);
}

}  // namespace psr::world
