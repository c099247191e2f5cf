#pragma once
// Who a request comes from when the server sits behind a reverse proxy (--trusted-proxy).
// Without sockets or Asio, so that the rules are unit-tested and the settings can check
// a CIDR as they read it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yst {

// An IPv4 or IPv6 address. IPv4 is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so
// one prefix comparison covers both families and a peer that a dual-stack socket reports
// as ::ffff:127.0.0.1 is the same client as 127.0.0.1.
class IpAddress {
 public:
  // A bare address ("203.0.113.7", "2001:db8::1"); nothing else: no port, no brackets,
  // no zone, no surrounding space.
  static std::optional<IpAddress> parse(std::string_view text);
  // Canonical text: IPv4 dotted (also for a mapped address), IPv6 per RFC 5952.
  std::string to_string() const;
  bool is_v4() const;

  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

 private:
  std::array<uint8_t, 16> bytes_{};
};

// The --trusted-proxy list: addresses and CIDR blocks whose X-Forwarded-For is believed.
class TrustedProxies {
 public:
  // "10.0.0.0/8", "127.0.0.1", "2001:db8::/32", "::1". Throws std::invalid_argument with
  // a message naming --trusted-proxy for anything else, including a block with bits set
  // past its prefix (10.0.0.1/8 is more likely a typo than a wish to trust 16 M hosts).
  void add(std::string_view cidr);
  bool empty() const { return blocks_.empty(); }
  bool trusts(const IpAddress& address) const;

  // The address to limit and log a request by. `peer` is the TCP peer as the socket
  // reports it; `forwarded_for` every X-Forwarded-For header value in the order received.
  //
  // From an untrusted peer the header is ignored (anyone can write one). From a trusted
  // proxy the list is read right to left, since each proxy appends the address it saw:
  // the first entry that is not itself a trusted proxy is the client. Entries to the left
  // of it were written by the client and are never looked at. If an entry that must be
  // read is not an address, the proxy chain is not understood and the peer is used; if
  // every entry is a trusted proxy, the leftmost is the client.
  std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for) const;

 private:
  struct Block {
    IpAddress network;
    int prefix_bits;  // of the 128-bit form
  };
  std::vector<Block> blocks_;
};

}  // namespace yst
