// --trusted-proxy: which CIDR blocks are accepted, and which address a request is taken
// to come from behind a proxy. No sockets: the rules, on the strings a socket and the
// X-Forwarded-For headers give.
#include <gtest/gtest.h>

#include "server/ConnectionLimits.hpp"
#include "server/TrustedProxies.hpp"

using yst::ConnectionLimits;
using yst::IpAddress;
using yst::TrustedProxies;

namespace {

TrustedProxies proxies(std::initializer_list<const char*> blocks) {
  TrustedProxies p;
  for (const char* b : blocks) p.add(b);
  return p;
}

bool trusts(const TrustedProxies& p, const char* address) { return p.trusts(*IpAddress::parse(address)); }

std::string add_error(const char* cidr) {
  try {
    TrustedProxies().add(cidr);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(TrustedProxies, BareAddressesAndBlocksOfBothFamilies) {
  auto p = proxies({"127.0.0.1", "10.1.2.0/23", "fd00::/8", "::1"});
  EXPECT_TRUE(trusts(p, "127.0.0.1"));
  EXPECT_FALSE(trusts(p, "127.0.0.2"));
  EXPECT_TRUE(trusts(p, "10.1.2.0"));
  EXPECT_TRUE(trusts(p, "10.1.3.255"));  // the last address of the /23
  EXPECT_FALSE(trusts(p, "10.1.4.0"));
  EXPECT_FALSE(trusts(p, "10.1.1.255"));
  EXPECT_TRUE(trusts(p, "fd12:3456::1"));
  EXPECT_FALSE(trusts(p, "fe80::1"));
  EXPECT_TRUE(trusts(p, "::1"));
  EXPECT_FALSE(trusts(p, "::2"));
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: the same machine.
  EXPECT_TRUE(trusts(p, "::ffff:127.0.0.1"));
}

TEST(TrustedProxies, AnIPv4BlockCoversIPv4Only) {
  auto p = proxies({"0.0.0.0/0"});
  EXPECT_TRUE(trusts(p, "203.0.113.9"));
  EXPECT_FALSE(trusts(p, "2001:db8::1"));
}

TEST(TrustedProxies, AnythingButAnAddressOrABlockIsRefusedNamingTheFlag) {
  EXPECT_EQ(add_error("10.0.0.0/33"), "--trusted-proxy \"10.0.0.0/33\": the prefix length must be a whole number from 0 to 32");
  EXPECT_EQ(add_error("::1/129"), "--trusted-proxy \"::1/129\": the prefix length must be a whole number from 0 to 128");
  EXPECT_EQ(add_error("10.0.0.0/"), "--trusted-proxy \"10.0.0.0/\": the prefix length must be a whole number from 0 to 32");
  EXPECT_EQ(add_error("10.0.0.0/8x"), "--trusted-proxy \"10.0.0.0/8x\": the prefix length must be a whole number from 0 to 32");
  EXPECT_EQ(add_error("10.0.0.0/-1"), "--trusted-proxy \"10.0.0.0/-1\": the prefix length must be a whole number from 0 to 32");
  // Trusting 16 million hosts by a slip of the finger is worse than refusing to start.
  EXPECT_EQ(add_error("10.0.0.1/8"), "--trusted-proxy \"10.0.0.1/8\" has address bits set past its prefix length");
  EXPECT_EQ(add_error("fd00::1/8"), "--trusted-proxy \"fd00::1/8\" has address bits set past its prefix length");
  for (const char* not_an_address : {"localhost", "", "10.0.0", "10.0.0.256", " 10.0.0.1", "[::1]", "::1%lo", "/8"})
    EXPECT_NE(add_error(not_an_address).find("is not an IP address or CIDR block"), std::string::npos) << not_an_address;
}

TEST(TrustedProxies, WithoutProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  TrustedProxies none;
  EXPECT_EQ(none.client_address("198.51.100.4", {"203.0.113.9"}), "198.51.100.4");
  // From a peer that is not a proxy of ours, the header is the client's own invention.
  auto p = proxies({"127.0.0.1"});
  EXPECT_EQ(p.client_address("198.51.100.4", {"203.0.113.9"}), "198.51.100.4");
}

TEST(TrustedProxies, BehindAProxyTheRightmostAddressNotTrustedIsTheClient) {
  auto p = proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(p.client_address("127.0.0.1", {"203.0.113.9"}), "203.0.113.9");
  // Two proxies of ours in a row: both skipped.
  EXPECT_EQ(p.client_address("127.0.0.1", {"203.0.113.9, 10.0.0.2"}), "203.0.113.9");
  // Whatever the client wrote itself stays to the left, and is never read.
  EXPECT_EQ(p.client_address("127.0.0.1", {"1.1.1.1, 203.0.113.9, 10.0.0.2"}), "203.0.113.9");
  EXPECT_EQ(p.client_address("127.0.0.1", {"not-an-address, 203.0.113.9"}), "203.0.113.9");
  // Several headers are one list, in the order received.
  EXPECT_EQ(p.client_address("127.0.0.1", {"1.1.1.1, 203.0.113.9", "10.0.0.2"}), "203.0.113.9");
  EXPECT_EQ(p.client_address("127.0.0.1", {"203.0.113.9", ""}), "203.0.113.9");
  // Spaces and tabs around entries are not part of them.
  EXPECT_EQ(p.client_address("127.0.0.1", {"  203.0.113.9\t,10.0.0.2 "}), "203.0.113.9");
}

TEST(TrustedProxies, NoHeaderOrOnlyProxiesInIt) {
  auto p = proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(p.client_address("127.0.0.1", {}), "127.0.0.1");
  EXPECT_EQ(p.client_address("127.0.0.1", {" "}), "127.0.0.1");
  // Every hop is ours (a request made on the proxies' own network): the farthest one.
  EXPECT_EQ(p.client_address("127.0.0.1", {"10.0.0.3, 10.0.0.2"}), "10.0.0.3");
}

TEST(TrustedProxies, AMalformedEntryThatMustBeReadFallsBackToThePeer) {
  auto p = proxies({"127.0.0.1", "10.0.0.0/8"});
  for (const char* header : {"garbage", "203.0.113.9, garbage", "203.0.113.9:4711", "[2001:db8::1]", "203.0.113.9,,",
                             "203.0.113.9, 10.0.0.2, unknown", "2001:db8::1%eth0", "203.0.113.9,"})
    EXPECT_EQ(p.client_address("127.0.0.1", {header}), "127.0.0.1") << header;
}

TEST(TrustedProxies, AddressesComeOutInOneCanonicalForm) {
  auto p = proxies({"fd00::/8"});
  EXPECT_EQ(p.client_address("fd00::1", {"2001:DB8:0:0::1"}), "2001:db8::1");
  EXPECT_EQ(p.client_address("fd00:0::1", {}), "fd00::1");
  // The limits and the log see 10.0.0.7, however the socket spelled it.
  EXPECT_EQ(TrustedProxies().client_address("::ffff:10.0.0.7", {}), "10.0.0.7");
  EXPECT_EQ(IpAddress::parse("::FFFF:10.0.0.7")->to_string(), "10.0.0.7");
  // What the socket could not say is passed on as it is.
  EXPECT_EQ(p.client_address("unknown", {"203.0.113.9"}), "unknown");
}

TEST(ConnectionLimitsBehindAProxy, AProxysConnectionCountsAgainstTheClientItCarries) {
  ConnectionLimits limits(100, 1);
  auto a = limits.acquire_unattributed();
  auto b = limits.acquire_unattributed();
  ASSERT_TRUE(a && b);  // the proxy's own address is not held to one connection
  EXPECT_TRUE(a->attribute("203.0.113.9"));
  EXPECT_FALSE(b->attribute("203.0.113.9"));  // that client has its one connection
  EXPECT_TRUE(b->attribute("203.0.113.10"));
  EXPECT_TRUE(a->attribute("203.0.113.9"));   // the same client again: nothing changes
  // The proxy reuses a connection for another client: the first one's place is free.
  EXPECT_TRUE(a->attribute("203.0.113.11"));
  EXPECT_TRUE(b->attribute("203.0.113.9"));
  b.reset();
  EXPECT_TRUE(limits.acquire("203.0.113.9"));
}

TEST(ConnectionLimitsBehindAProxy, TheTotalStillCountsEveryConnection) {
  ConnectionLimits limits(2, 0);
  auto a = limits.acquire_unattributed();
  auto b = limits.acquire("198.51.100.4");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limits.acquire_unattributed());
  EXPECT_FALSE(limits.acquire("198.51.100.5"));
  a.reset();
  EXPECT_TRUE(limits.acquire_unattributed());
}
