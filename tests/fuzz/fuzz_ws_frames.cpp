// The frame reader against any bytes a client may send, split anywhere: it must never
// crash, never hold more than the size limit, and read the same messages whichever way
// the bytes were split (the first input byte chooses the split).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/WebSocketFrames.hpp"

namespace {

struct Recorded : yst::ws::Reader::Handler {
  std::vector<std::string> seen;
  void on_text(std::string_view m) override { seen.push_back("text:" + std::string(m)); }
  void on_ping(std::string_view p) override { seen.push_back("ping:" + std::string(p)); }
  void on_close(uint16_t code) override { seen.push_back("close:" + std::to_string(code)); }
  void on_fail(uint16_t code, const char*) override { seen.push_back("fail:" + std::to_string(code)); }
};

constexpr size_t kMax = 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t piece = 1 + data[0] % 17;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  yst::ws::Reader whole_reader(kMax);
  Recorded whole;
  std::string copy = bytes;
  whole_reader.feed(copy.data(), copy.size(), whole);

  yst::ws::Reader split_reader(kMax);
  Recorded split;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    std::string chunk = bytes.substr(at, piece);
    split_reader.feed(chunk.data(), chunk.size(), split);
    // An incomplete frame is held up to the limit and a header, never a refused payload.
    if (split_reader.held_bytes() > 4 * kMax + 64) std::abort();
  }
  if (whole.seen != split.seen) std::abort();
  for (const auto& s : whole.seen)
    if (s.rfind("text:", 0) == 0 && (s.size() - 5 > kMax || !yst::ws::valid_utf8(s.substr(5)))) std::abort();
  return 0;
}
