#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flyrun {

/// A migration version: dot-separated digit parts compared numerically part by
/// part, of any length (timestamps fit). Leading zeros in a part do not matter and
/// trailing zero parts are dropped, so "1", "001" and "1.0" are equal.
class Version {
 public:
  /// Version 0.
  Version() = default;

  /// Parses "1", "1.2", "1_2" (a single '_' separates parts like '.'),
  /// "20261123093000". Returns nullopt for anything else (empty, letters,
  /// empty parts such as "1..2" or "1.", "__").
  static std::optional<Version> parse(std::string_view text);

  /// Normalised text: parts without leading zeros joined by '.', trailing zero
  /// parts dropped but at least one part ("1.0" -> "1", "0" -> "0").
  std::string str() const;

  /// Numeric parts in normalised form (no leading zeros, no trailing zero parts).
  const std::vector<std::string>& parts() const { return parts_; }

  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return parts_ == other.parts_; }

 private:
  std::vector<std::string> parts_{"0"};
};

}  // namespace flyrun
