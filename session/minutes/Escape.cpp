#include "session/minutes/Escape.hpp"

#include <algorithm>
#include <cstdio>

namespace yst::minutes {

std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string single_line(std::string_view s) {
  std::string out = normalize_newlines(s);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string utf8_prefix(std::string_view s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) return std::string(s.substr(0, i));
      ++count;
    }
  }
  return std::string(s);
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for_each_char(s, [&](uint32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += bytes;
    }
  });
  return out;
}

std::string xml_escape(std::string_view s) { return html_escape(s); }

std::string css_string(std::string_view s) {
  std::string out = "\"";
  for_each_char(single_line(s), [&](uint32_t cp, std::string_view bytes) {
    const bool plain = cp >= 0x80 || cp == ' ' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
                       (cp >= 'A' && cp <= 'Z');
    if (plain) {
      out += bytes;
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\%06X", static_cast<unsigned>(cp));
      out += buf;
    }
  });
  out += '"';
  return out;
}

bool is_ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string css_ident(std::string_view s) {
  std::string out;
  for (char c : s) out += (is_ascii_alnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  return out;
}

}  // namespace yst::minutes
