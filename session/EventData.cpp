#include "session/EventData.hpp"

namespace yst {

std::string str_field(const json& d, const char* key) {
  if (!d.is_object()) return {};
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_field(const json& d, const char* key) {
  if (!d.is_object()) return false;
  auto it = d.find(key);
  return it != d.end() && it->is_boolean() && it->get<bool>();
}

int int_field(const json& d, const char* key) {
  if (!d.is_object()) return 0;
  auto it = d.find(key);
  return it != d.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace yst
