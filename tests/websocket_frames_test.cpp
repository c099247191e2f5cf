// The server's own WebSocket framing: what a client's bytes become however the network
// splits them, and what a refusal a misbehaving client gets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/WebSocketFrames.hpp"

namespace yst::ws {
namespace {

// A client frame, masked as browsers send them.
std::string client_frame(uint8_t first_byte, std::string_view payload, const char key[4] = "k3y!") {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(static_cast<uint64_t>(n) >> (56 - 8 * i)));
  }
  out.append(key, 4);
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return out;
}
std::string text(std::string_view s) { return client_frame(0x81, s); }

struct Recorded : Reader::Handler {
  std::vector<std::string> texts, pings;
  std::vector<uint16_t> closes, failures;
  void on_text(std::string_view m) override { texts.emplace_back(m); }
  void on_ping(std::string_view p) override { pings.emplace_back(p); }
  void on_close(uint16_t code) override { closes.push_back(code); }
  void on_fail(uint16_t code, const char*) override { failures.push_back(code); }
};

// Feeds `bytes` in pieces of `piece` bytes, each from a buffer of its own (the reader
// unmasks in place and must not keep pointers into it).
Recorded feed_in_pieces(const std::string& bytes, size_t piece, size_t max = 16 * 1024) {
  Reader reader(max);
  Recorded got;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    std::string chunk = bytes.substr(at, piece);
    reader.feed(chunk.data(), chunk.size(), got);
  }
  return got;
}

TEST(WebSocketFrames, MessagesArriveWholeAndInOrderHoweverTheNetworkSplitsThem) {
  const std::string chinese(300 * 3, 'x');  // 126-byte+ lengths take the 16-bit form
  const std::string stream = text(R"({"type":"ping","id":1})") + text("议事厅：有事来协商") + text(chinese) +
                             client_frame(0x89, "hi") + text("") + client_frame(0x88, "\x03\xe8");
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, stream.size()}) {
    Recorded got = feed_in_pieces(stream, piece);
    ASSERT_EQ(got.texts, (std::vector<std::string>{R"({"type":"ping","id":1})", "议事厅：有事来协商", chinese, ""}))
        << "pieces of " << piece;
    EXPECT_EQ(got.pings, std::vector<std::string>{"hi"});
    EXPECT_EQ(got.closes, std::vector<uint16_t>{1000});
    EXPECT_TRUE(got.failures.empty());
  }
}

TEST(WebSocketFrames, AFragmentedMessageIsReassembledAroundAPing) {
  const std::string stream = client_frame(0x01, "{\"type\":") + client_frame(0x89, "p") +
                             client_frame(0x00, "\"ping\"") + client_frame(0x80, "}");
  for (size_t piece : {size_t{1}, size_t{5}, stream.size()}) {
    Recorded got = feed_in_pieces(stream, piece);
    EXPECT_EQ(got.texts, std::vector<std::string>{R"({"type":"ping"})"});
    EXPECT_EQ(got.pings, std::vector<std::string>{"p"});
  }
}

TEST(WebSocketFrames, AnOversizedMessageIsRefusedFromItsHeaderAndTheCloseAfterItStillCounts) {
  const std::string big(70 * 1024, 'a');  // the 64-bit length form
  Reader reader(16 * 1024);
  Recorded got;
  std::string head = text(big).substr(0, 14);  // the header and a few bytes: no more has arrived
  reader.feed(head.data(), head.size(), got);
  ASSERT_EQ(got.failures, std::vector<uint16_t>{1009});
  EXPECT_LT(reader.held_bytes(), 1024u) << "the payload of a refused message is never held";
  std::string rest = text(big).substr(14) + text("dropped: the connection is closing") + client_frame(0x88, "\x03\xe9");
  reader.feed(rest.data(), rest.size(), got);
  EXPECT_TRUE(got.texts.empty());
  EXPECT_EQ(got.closes, std::vector<uint16_t>{1001});
  // A fragmented message over the limit across its fragments is refused as well.
  Recorded fragmented = feed_in_pieces(client_frame(0x01, std::string(10000, 'a')) + client_frame(0x80, std::string(7000, 'a')), 4096);
  EXPECT_EQ(fragmented.failures, std::vector<uint16_t>{1009});
  EXPECT_TRUE(fragmented.texts.empty());
}

TEST(WebSocketFrames, ProtocolBreachesGetTheirCloseCodes) {
  struct Row {
    const char* what;
    std::string bytes;
    uint16_t code;
  };
  std::string unmasked = text("x");
  unmasked[1] = static_cast<char>(unmasked[1] & 0x7F);
  const std::vector<Row> rows = {
      {"binary", client_frame(0x82, "\x01\x02"), 1003},
      {"empty binary", client_frame(0x82, ""), 1003},
      {"invalid UTF-8", text("\xff"), 1007},
      {"overlong UTF-8", text("\xc0\xaf"), 1007},
      {"a surrogate in UTF-8", text("\xed\xa0\x80"), 1007},
      {"invalid UTF-8 across fragments", client_frame(0x01, "\xe8\xae") + client_frame(0x80, "x"), 1007},
      {"unmasked", unmasked, 1002},
      {"reserved bit", client_frame(0xC1, "x"), 1002},
      {"unknown opcode", client_frame(0x83, "x"), 1002},
      {"continuation of nothing", client_frame(0x80, "x"), 1002},
      {"new message inside a fragmented one", client_frame(0x01, "a") + text("b"), 1002},
      {"fragmented ping", client_frame(0x09, "x"), 1002},
      {"long ping", client_frame(0x89, std::string(126, 'p')), 1002},
      {"close of one byte", client_frame(0x88, "\x03"), 1002},
      {"close code 1005", client_frame(0x88, "\x03\xed"), 1002},
      {"close reason not UTF-8", client_frame(0x88, "\x03\xe8\xff"), 1007},
  };
  for (const auto& row : rows) {
    Recorded got = feed_in_pieces(row.bytes + text("after"), row.bytes.size() + 5);
    EXPECT_EQ(got.failures, std::vector<uint16_t>{row.code}) << row.what;
    EXPECT_TRUE(got.texts.empty()) << row.what << ": nothing is handed over once the connection is closing";
  }
}

TEST(WebSocketFrames, ServerFramesCarryTheRightLengthForm) {
  for (size_t n : {size_t{0}, size_t{125}, size_t{126}, size_t{65535}, size_t{65536}}) {
    const std::string payload(n, 'z');
    const std::string wire = frame(Opcode::text, payload);
    EXPECT_EQ(static_cast<uint8_t>(wire[0]), 0x81);
    EXPECT_EQ(wire.size(), header_size(n) + n);
    EXPECT_EQ(payload_of(wire), payload);
    EXPECT_EQ(static_cast<uint8_t>(wire[1]) & 0x80, 0) << "server frames are never masked";
  }
  const std::string close = close_frame(1013, "too slow: resume with after");
  EXPECT_EQ(close.substr(0, 4), std::string("\x88\x1d\x03\xf5", 4));
  EXPECT_EQ(payload_of(close).substr(2), "too slow: resume with after");
}

TEST(WebSocketFrames, Utf8IsCheckedAsTheStandardSays) {
  EXPECT_TRUE(valid_utf8("plain ASCII, long enough for the word-at-a-time path"));
  EXPECT_TRUE(valid_utf8("委员议事厅 𠮷 é"));
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe8\xae"));          // cut short
  EXPECT_FALSE(valid_utf8("abcdefgh\x80"));      // a continuation byte alone
  EXPECT_FALSE(valid_utf8("\xf8\x88\x80\x80\x80"));
}

}  // namespace
}  // namespace yst::ws
