#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.h"

namespace flyrun::parse {

/// A token of a SET statement, re-read once the statement has ended.
struct SetToken {
  enum class Kind : uint8_t { kWord, kString, kNumber, kIdentifier, kPunct };
  Kind kind = Kind::kPunct;
  /// Words upper-cased; strings and quoted identifiers with their quotes and
  /// escapes removed; punctuation one character.
  std::string text;
  bool Is(Kind k, std::string_view t) const { return kind == k && text == t; }
  bool IsWord(std::string_view t) const { return Is(Kind::kWord, t); }
  bool IsPunct(char c) const { return kind == Kind::kPunct && text.size() == 1 && text[0] == c; }
};

/// The tokens of a statement's text (a SET statement: short), comments left out
/// and MySQL's /*! ... */ read as code. `backslash_escapes` and
/// `double_quote_strings` are the quote rules the statement was lexed with.
std::vector<SetToken> TokenizeSet(std::string_view sql, Dialect dialect, bool backslash_escapes,
                                  bool double_quote_strings);

/// The items of a SET statement: the tokens after SET split at the commas
/// outside parentheses.
std::vector<std::vector<SetToken>> SetItems(const std::vector<SetToken>& tokens, size_t from);

}  // namespace flyrun::parse
