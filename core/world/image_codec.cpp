#include "world/image_codec.h"

#include <cmath>
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

Image decodeImage(std::string_view bytes, const std::string& what) {
  const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error("cannot decode image " + what + ": " + e.what(), ErrorCode::Corrupt);
  }
  if (decoded.empty() || decoded.depth() != CV_8U) throw Error("cannot decode image " + what, ErrorCode::Corrupt);
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

Image readImageFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file.string(), ErrorCode::NotFound);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return decodeImage(bytes.str(), file.string());
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
