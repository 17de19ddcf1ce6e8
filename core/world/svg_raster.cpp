#include "world/svg_raster.h"

#include <memory>

#include <cairo.h>
#include <librsvg/rsvg.h>

#include "common/error.h"

namespace psr::world {

Image rasteriseSvg(std::string_view svg, int size, const std::string& what) {
  GError* error = nullptr;
  RsvgHandle* handle =
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), gsize(svg.size()), &error);
  if (!handle) {
    std::string message = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw Error("cannot parse SVG " + what + ": " + message, ErrorCode::Corrupt);
  }
  std::unique_ptr<RsvgHandle, decltype(&g_object_unref)> owner(handle, g_object_unref);
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
  const RsvgRectangle viewport{0.0, 0.0, double(size), double(size)};
  if (!rsvg_handle_render_document(handle, cr.get(), &viewport, &error)) {
    std::string message = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw Error("cannot render SVG " + what + ": " + message, ErrorCode::Corrupt);
  }
  cairo_surface_flush(surface.get());
  // Cairo's ARGB32 is premultiplied, native-endian 32-bit words; the world works in straight RGBA.
  Image out(size, size, 4);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < size; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
    std::uint8_t* d = out.at(0, y);
    for (int x = 0; x < size; ++x, d += 4) {
      const std::uint32_t p = row[x];
      const int a = int(p >> 24);
      if (a == 0) continue;
      const int r = int((p >> 16) & 0xff), g = int((p >> 8) & 0xff), b = int(p & 0xff);
      d[0] = std::uint8_t((r * 255 + a / 2) / a);
      d[1] = std::uint8_t((g * 255 + a / 2) / a);
      d[2] = std::uint8_t((b * 255 + a / 2) / a);
      d[3] = std::uint8_t(a);
    }
  }
  return out;
}

}  // namespace psr::world
