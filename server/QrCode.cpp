#include "server/QrCode.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace yst {

std::string qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) throw std::runtime_error("cannot encode QR code");
  const int n = code->width;
  const int quiet = 4;
  const int size = n + 2 * quiet;
  std::string path;
  path.reserve(static_cast<size_t>(n) * n * 4);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (!(code->data[y * n + x] & 1)) continue;
      // Runs of dark modules on a row become one rectangle: a smaller file.
      int run = 1;
      while (x + run < n && (code->data[y * n + x + run] & 1)) ++run;
      path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h" + std::to_string(run) + "v1h-" +
              std::to_string(run) + "z";
      x += run - 1;
    }
  }
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                  std::to_string(size) + "\" shape-rendering=\"crispEdges\">";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
  s += "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
  return s;
}

}  // namespace yst
