#pragma once
// The scenarios of the load tool, one file each. A scenario runs against the server on
// --port and returns every figure as JSON (throwing when the run cannot complete); its
// print function writes the human summary of that JSON.
#include <nlohmann/json.hpp>

#include "Options.hpp"

namespace ystbench {

using json = nlohmann::json;

json run_fanout(const Options& o);  // FanOut.cpp
json run_raw(const Options& o);     // FanOut.cpp
void print_fanout(const json& r);   // fanout and raw
json run_join(const Options& o);    // Join.cpp
void print_join(const json& r);
json run_storm(const Options& o);  // Storm.cpp
void print_storm(const json& r);
json run_resume(const Options& o);  // Resume.cpp
void print_resume(const json& r);

}  // namespace ystbench
