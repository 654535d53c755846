#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace flyrun {

/// Flyway's checksum of a SQL script (README, Coming from Flyway): CRC-32 (zlib)
/// of the script's text fed line by line without the line terminators (CRLF,
/// lone CR, LF), as UTF-8, a U+FEFF at the very start dropped; the stored value
/// is that CRC as a signed 32-bit integer. Chunks of UTF-8 text may be cut
/// anywhere (between CR and LF, inside the BOM).
class FlywayCrc32 {
 public:
  FlywayCrc32();
  ~FlywayCrc32();
  FlywayCrc32(const FlywayCrc32&) = delete;
  FlywayCrc32& operator=(const FlywayCrc32&) = delete;

  /// Feeds UTF-8 text.
  void Update(std::string_view utf8);
  /// The checksum as Flyway stores it.
  int32_t Value() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// FlywayCrc32 of a whole UTF-8 text. Files are decoded (and checked) by the
/// script reader, parse/script_text.h, which feeds FlywayCrc32.
int32_t FlywayChecksumOfText(std::string_view utf8);

/// Java's String.hashCode of a UTF-8 text (over its UTF-16 code units), as
/// Flyway uses it for its lock keys.
int32_t JavaStringHash(std::string_view utf8);

}  // namespace flyrun
