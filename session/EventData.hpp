#pragma once
// Fields of an event's data, read without trusting its shape: events are replayed
// from storage (the live state, the minutes) and must take whatever is there.
#include <string>

#include "session/Types.hpp"

namespace yst {

// The field when it has the expected type; "", false or 0 otherwise.
std::string str_field(const json& d, const char* key);
bool bool_field(const json& d, const char* key);
int int_field(const json& d, const char* key);

}  // namespace yst
