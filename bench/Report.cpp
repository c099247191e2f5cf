#include "Report.hpp"

#include <cstdio>

namespace ystbench {

std::string fmt(const json& j, const char* key) {
  if (!j.contains(key)) return "-";
  char buf[64];
  const json& v = j[key];
  if (v.is_number_float()) std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  else return v.dump();
  return buf;
}

std::string lat(const json& h) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms", h.value("p50", 0.0),
                h.value("p90", 0.0), h.value("p99", 0.0), h.value("p999", 0.0), h.value("max", 0.0));
  return buf;
}

}  // namespace ystbench
