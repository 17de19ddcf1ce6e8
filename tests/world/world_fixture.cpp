#include "world_fixture.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/sha256.h"
#include "world/image.h"
#include "world/image_codec.h"

namespace {

void octal(char* field, std::size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", int(width - 1), value);
}

std::string header(const std::string& name, std::size_t size, char type, const std::string& prefix = "") {
  std::string h(512, '\0');
  std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 100));
  octal(&h[100], 8, 0644);
  octal(&h[108], 8, 0);
  octal(&h[116], 8, 0);
  octal(&h[124], 12, size);
  octal(&h[136], 12, 0);
  h[156] = type;
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memcpy(&h[345], prefix.data(), std::min<std::size_t>(prefix.size(), 155));
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  return h;
}

std::string padded(const std::string& data) { return data + std::string((512 - data.size() % 512) % 512, '\0'); }

std::string paxRecord(const std::string& key, const std::string& value) {
  const std::string body = " " + key + "=" + value + "\n";
  std::size_t len = body.size() + 1;
  while (std::to_string(len).size() + body.size() != len) ++len;
  return std::to_string(len) + body;
}

std::string png(int size, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  psr::world::Image img(size, size, 4);
  for (int y = size / 4; y < size * 3 / 4; ++y) {
    for (int x = size / 4; x < size * 3 / 4; ++x) {
      std::uint8_t* p = img.at(x, y);
      p[0] = r, p[1] = g, p[2] = b, p[3] = 255;
    }
  }
  return psr::world::encodePng(img);
}

std::string webp(int size) {
  cv::Mat m(size, size, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  cv::circle(m, {size / 2, size / 2}, size / 3, cv::Scalar(200, 80, 220, 255), cv::FILLED);
  std::vector<std::uint8_t> out;
  if (!cv::imencode(".webp", m, out, {cv::IMWRITE_WEBP_QUALITY, 101})) throw std::runtime_error("webp encode");
  return std::string(out.begin(), out.end());
}

std::string svg(const char* colour) {
  return std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 72 72\"><circle cx=\"36\" cy=\"36\" r=\"24\" fill=\"") +
         colour + "\"/></svg>";
}

nlohmann::json emoji(const char* unified, const char* name, const char* group, const char* subgroup, int order) {
  return {{"unified", unified}, {"name", name}, {"short_name", name}, {"category", group},
          {"subcategory", subgroup}, {"sort_order", order}};
}

}  // namespace

std::string makeTar(const std::vector<TarFile>& files, bool usePrefix) {
  std::string out;
  for (const auto& f : files) {
    if (f.path.size() > 100 && usePrefix) {
      const std::size_t slash = f.path.rfind('/', 155);
      out += header(f.path.substr(slash + 1), f.data.size(), '0', f.path.substr(0, slash));
    } else if (f.path.size() > 100) {
      const std::string pax = paxRecord("path", f.path);
      out += header("PaxHeader", pax.size(), 'x') + padded(pax);
      out += header(f.path.substr(0, 100), f.data.size(), '0');
    } else {
      out += header(f.path, f.data.size(), '0');
    }
    out += padded(f.data);
  }
  return out + std::string(1024, '\0');
}

std::string gzipBytes(const std::string& bytes) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, uLong(bytes.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = uInt(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

psr::world::AssetLock makeFixturePackages(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const nlohmann::json list = nlohmann::json::array({
      emoji("1F436", "DOG FACE", "Animals & Nature", "animal-mammal", 1),
      emoji("1F415", "DOG", "Animals & Nature", "animal-mammal", 2),
      emoji("1F980", "CRAB", "Animals & Nature", "animal-marine", 3),
      emoji("1F34E", "RED APPLE", "Food & Drink", "food-fruit", 4),
      emoji("1F34F", "GREEN APPLE", "Food & Drink", "food-fruit", 5),
      emoji("1FAD6", "TEAPOT", "Food & Drink", "drink", 6),
      emoji("1F451", "CROWN", "Objects", "clothing", 7),
      emoji("1F600", "GRINNING FACE", "Smileys & Emotion", "face-smiling", 8),
      emoji("1F1EB-1F1F7", "FLAG OF FRANCE", "Flags", "country-flag", 9),
      emoji("0023-FE0F-20E3", "HASH KEY", "Symbols", "keycap", 10),
  });
  const std::string g = "package/img/google/64/", t = "package/img/twitter/64/";
  struct Pkg {
    const char* vendor;
    const char* images;
    const char* format;
    std::vector<TarFile> files;
  };
  std::vector<Pkg> pkgs = {
      {"google", "package/img/google/64/", "png",
       {{"package/emoji.json", list.dump()}, {g + "1f436.png", png(64, 200, 150, 90)}, {g + "1f415.png", png(64, 190, 140, 80)},
        {g + "1f980.png", png(64, 240, 90, 40)}, {g + "1f34e.png", png(64, 220, 30, 30)},
        {g + "1fad6.png", png(64, 80, 160, 120)}, {g + "1f1eb-1f1f7.png", png(64, 0, 0, 200)},
        {g + "1f600.png", png(64, 250, 200, 0)}, {g + "0023-fe0f-20e3.png", png(64, 90, 90, 90)}}},
      {"twitter", "package/img/twitter/64/", "png",
       {{t + "1f980.png", png(64, 230, 50, 50)}, {t + "1fad6.png", png(64, 60, 120, 200)},
        {t + "1f451.png", png(64, 250, 210, 0)}, {t + "1f4a4.png", png(64, 40, 120, 250)},
        {t + "1f3d6-fe0f.png", png(64, 240, 220, 160)}}},
      {"fluent", "package/assets/", "webp", {{"package/assets/1f980.webp", webp(256)}}},
      {"openmoji", "package/color/svg/", "svg",
       {{"package/color/svg/1F980.svg", svg("#d22f27")}, {"package/color/svg/1FAD6.svg", svg("#92d3f5")}}},
  };
  psr::world::AssetLock lock;
  for (const auto& p : pkgs) {
    const std::string tgz = gzipBytes(makeTar(p.files));
    const std::string file = std::string("fixture-") + p.vendor + ".tgz";
    writeBytes(dir / file, tgz);
    psr::world::PackageSpec spec;
    spec.vendor = p.vendor;
    spec.title = p.vendor;
    spec.license = "test";
    spec.package = std::string("fixture-") + p.vendor;
    spec.version = "1.0.0";
    spec.file = file;
    spec.sha256 = psr::sha256Hex(tgz);
    spec.imagesPrefix = p.images;
    spec.format = p.format;
    spec.catalogPath = std::string(p.vendor) == "google" ? "package/emoji.json" : "";
    lock.packages.push_back(spec);
  }
  lock.hash = psr::sha256Hex("fixture-lock");
  return lock;
}
