#pragma once
// Fields of an event's data, read without trusting its shape: the minutes are rebuilt
// from storage and must render whatever is there.
#include <string>

#include "session/Types.hpp"

namespace yst::minutes {

// The field when it has the expected type; "", false or 0 otherwise.
std::string str_field(const json& d, const char* key);
bool bool_field(const json& d, const char* key);
int int_field(const json& d, const char* key);

}  // namespace yst::minutes
