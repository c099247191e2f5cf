#pragma once
// The demo session (serve --demo): a consultation with a host, two members, a department
// and a clerk, created once and remembered in the store.
#include <string>
#include <vector>

namespace yst {

class Hub;

// Creates the demo session unless it exists; returns the lines to print for the operator
// (the join links carry tokens, so they go to standard output once and never to the log).
// Blocks on the writer: call it after Hub::load, before the I/O threads take the load.
std::vector<std::string> ensure_demo(Hub& hub, const std::string& base_url);

}  // namespace yst
