#include "server/TrustedProxies.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace yst {

namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
constexpr int kV4MappedPrefixBits = 96;
// inet_pton needs a terminated string; nothing longer than this is an address.
constexpr size_t kMaxAddressText = INET6_ADDRSTRLEN;

bool prefix_matches(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

// Whether any bit after the first `bits` is set: a block written with host bits.
bool has_bits_past(const std::array<uint8_t, 16>& a, int bits) {
  for (int i = 0; i < 16; ++i) {
    const int kept = std::clamp(bits - 8 * i, 0, 8);
    const auto host_mask = static_cast<uint8_t>(0xff >> kept);
    if (a[i] & host_mask) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() >= kMaxAddressText) return std::nullopt;
  char buffer[kMaxAddressText] = {};
  text.copy(buffer, text.size());
  IpAddress out;
  if (text.find(':') == std::string_view::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, buffer, &v4) != 1) return std::nullopt;
    std::copy(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), out.bytes_.begin());
    std::memcpy(out.bytes_.data() + kV4MappedPrefix.size(), &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) != 1) return std::nullopt;
  std::memcpy(out.bytes_.data(), &v6, 16);
  return out;
}

bool IpAddress::is_v4() const { return std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes_.begin()); }

std::string IpAddress::to_string() const {
  char buffer[kMaxAddressText] = {};
  if (is_v4()) {
    in_addr v4{};
    std::memcpy(&v4, bytes_.data() + kV4MappedPrefix.size(), 4);
    inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
  } else {
    in6_addr v6{};
    std::memcpy(&v6, bytes_.data(), 16);
    inet_ntop(AF_INET6, &v6, buffer, sizeof buffer);
  }
  return buffer;
}

void TrustedProxies::add(std::string_view cidr) {
  const std::string quoted = "--trusted-proxy \"" + std::string(cidr) + "\"";
  const size_t slash = cidr.find('/');
  auto network = IpAddress::parse(cidr.substr(0, slash));
  if (!network)
    throw std::invalid_argument(quoted + " is not an IP address or CIDR block (e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)");
  const int family_bits = network->is_v4() ? 32 : 128;
  int bits = family_bits;
  if (slash != std::string_view::npos) {
    std::string_view digits = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > family_bits)
      throw std::invalid_argument(quoted + ": the prefix length must be a whole number from 0 to " +
                                  std::to_string(family_bits));
  }
  if (network->is_v4()) bits += kV4MappedPrefixBits;
  if (has_bits_past(network->bytes(), bits))
    throw std::invalid_argument(quoted + " has address bits set past its prefix length");
  blocks_.push_back(Block{*network, bits});
}

bool TrustedProxies::trusts(const IpAddress& address) const {
  for (const auto& b : blocks_)
    if (prefix_matches(address.bytes(), b.network.bytes(), b.prefix_bits)) return true;
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer,
                                           const std::vector<std::string_view>& forwarded_for) const {
  auto peer_address = IpAddress::parse(peer);
  if (!peer_address) return std::string(peer);
  std::string peer_text = peer_address->to_string();
  if (!trusts(*peer_address)) return peer_text;

  std::vector<std::string_view> hops;
  for (std::string_view header : forwarded_for) {
    if (trim(header).empty()) continue;  // an empty header adds no hop
    for (size_t start = 0;;) {
      size_t comma = header.find(',', start);
      hops.push_back(trim(header.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  std::optional<IpAddress> hop;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    hop = IpAddress::parse(*it);
    if (!hop) return peer_text;
    if (!trusts(*hop)) return hop->to_string();
  }
  // No header, or every hop a proxy of ours (a request made on the proxy's own machine).
  return hop ? hop->to_string() : peer_text;
}

}  // namespace yst
