#pragma once
// Figures as the load tool reports them: rounded for the JSON line, formatted for the
// human summary (each scenario prints its own lines with these).
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ystbench {

using json = nlohmann::json;

inline double ms(int64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }
inline double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// j[key] as the summary shows it: a float with three decimals, anything else as JSON, "-"
// when absent.
std::string fmt(const json& j, const char* key);
// A latency summary (Histogram::summary()) on one line.
std::string lat(const json& h);

}  // namespace ystbench
