#pragma once
#include <string>

namespace yst {

// An SVG QR code of `text` (libqrencode, error correction M), one path, a quiet zone of
// four modules. Throws std::runtime_error if the text cannot be encoded.
std::string qr_svg(const std::string& text);

}  // namespace yst
