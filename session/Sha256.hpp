#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace yst {

std::array<uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string to_hex(const uint8_t* data, size_t n);

// Equality of two byte strings in time that depends only on their length.
bool constant_time_equal(std::string_view a, std::string_view b);

// n random bytes from the operating system's CSPRNG, as URL-safe text.
std::string random_token(size_t bytes = 24);

}  // namespace yst
