#pragma once
// Text as the documents carry it. The events are valid UTF-8 when they are made, but the
// minutes are rebuilt from storage, so every human format decodes leniently instead of
// trusting the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yst::minutes {

// Calls emit(code point, its bytes) for each character that XML 1.0 can carry; invalid
// bytes become U+FFFD, and control characters (other than tab, newline and carriage
// return) are dropped, since none of the documents can show them.
template <class F>
void for_each_char(std::string_view s, F&& emit) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1Fu;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0Fu;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07u;
      len = 4;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = false;
    if (!ok) {
      emit(0xFFFDu, kReplacement);
      ++i;
      continue;
    }
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp < 0x7F) ||
                         (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
    if (allowed) emit(cp, s.substr(i, len));
    i += len;
  }
}

// Turns CR LF and lone CR into LF, so the renderers handle one kind of line break.
std::string normalize_newlines(std::string_view s);
// normalize_newlines, then every line break becomes a space.
std::string single_line(std::string_view s);
// Cuts after at most n code points, never inside a character.
std::string utf8_prefix(std::string_view s, size_t n);

// For element content and attribute values alike; characters XML cannot carry are
// dropped (see for_each_char).
std::string html_escape(std::string_view s);
// An RFC 4180 field: quoted when it holds a comma, a quote or a line break. Text goes out
// byte for byte (no apostrophe before = + - @): the CSVs are records.
std::string csv_field(std::string_view s);
std::string xml_escape(std::string_view s);

// A CSS string literal for user text in @page margin boxes: every ASCII character other
// than letters, digits and space becomes a six-digit escape, so neither the string nor
// the <style> element can be closed from inside.
std::string css_string(std::string_view s);
// A class name: anything but ASCII letters, digits and '-' becomes '-'.
std::string css_ident(std::string_view s);

// Locale-independent, unlike std::isalnum.
bool is_ascii_alnum(unsigned char c);

}  // namespace yst::minutes
