#pragma once

#include <cstddef>
#include <cstdint>

namespace flyrun::parse {

/// A place in a script: 1-based line and 1-based byte column. A leading UTF-8 BOM
/// is not counted; CRLF and lone CR count as one line break.
struct Position {
  int line = 1;
  int column = 1;
};

/// SQL whitespace.
constexpr bool IsBlank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// A byte that may start an unquoted identifier or keyword (any UTF-8 byte too).
constexpr bool IsIdentStart(unsigned char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c >= 0x80;
}

/// A byte that may continue an unquoted identifier: all dialects allow '$'.
constexpr bool IsIdent(unsigned char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
}

/// A byte of a placeholder name: ${flyrun:user}, ${schema_name}, ${a.b-c}.
constexpr bool IsPlaceholderByte(unsigned char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '-';
}

/// Index of the first byte in [p, end) whose entry in `table` is set, or `end`.
/// This loop is where the splitter spends its time: the tables leave out every
/// byte that cannot change the state (letters, digits, most punctuation).
inline size_t SkipPlain(const uint8_t* table, const char* data, size_t p, size_t end) {
  const auto* s = reinterpret_cast<const unsigned char*>(data);
  while (p + 4 <= end) {
    if (table[s[p]]) return p;
    if (table[s[p + 1]]) return p + 1;
    if (table[s[p + 2]]) return p + 2;
    if (table[s[p + 3]]) return p + 3;
    p += 4;
  }
  while (p < end && !table[s[p]]) ++p;
  return p;
}

}  // namespace flyrun::parse
