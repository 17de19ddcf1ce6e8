// Writes the image seeds of tests/fuzz/corpus/image_decode with OpenCV's encoders (the codecs
// the studio decodes with). Not built by CMake; run by hand when the seeds need renewing:
//   g++ -std=c++17 -O1 tests/fuzz/make_image_seeds.cpp -I/usr/include/opencv4 \
//       -lopencv_imgcodecs -lopencv_imgproc -lopencv_core -o /tmp/make_image_seeds
//   /tmp/make_image_seeds tests/fuzz/corpus/image_decode
// tests/fuzz/make_corpus.py then adds damaged variants (truncated, oversized headers).
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  cv::Mat bgra(9, 13, CV_8UC4);
  for (int y = 0; y < bgra.rows; ++y)
    for (int x = 0; x < bgra.cols; ++x) bgra.at<cv::Vec4b>(y, x) = cv::Vec4b(x * 19, y * 27, (x + y) * 9, (x * y) % 256);
  cv::Mat bgr, gray, gray16;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  cv::cvtColor(bgra, gray, cv::COLOR_BGRA2GRAY);
  gray.convertTo(gray16, CV_16U, 257);
  auto write = [&](const std::string& name, const cv::Mat& m, std::vector<int> params = {}) {
    cv::imwrite(dir + "/" + name, m, params);
  };
  write("rgba.png", bgra);
  write("rgb.png", bgr);
  write("gray.png", gray);
  write("gray16.png", gray16);
  write("palette-ish.png", gray, {cv::IMWRITE_PNG_BILEVEL, 1});
  write("rgb.jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 80});
  write("gray.jpg", gray);
  write("progressive.jpg", bgr, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  write("lossy.webp", bgr, {cv::IMWRITE_WEBP_QUALITY, 60});
  write("lossless.webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 101});
  return 0;
}
