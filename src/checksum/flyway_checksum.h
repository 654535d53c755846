#pragma once

#include <cstdint>
#include <filesystem>
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

/// FlywayCrc32 of a whole UTF-8 text.
int32_t FlywayChecksumOfText(std::string_view utf8);

/// Decodes `bytes` written in `encoding` (any name iconv knows: UTF-8,
/// ISO-8859-1, windows-1252, UTF-16LE, ...) to UTF-8. Throws Error(kUsage)
/// naming `file` and the line for input that is not valid in that encoding
/// (as Flyway does: nothing is substituted), or for an unknown encoding.
std::string DecodeToUtf8(std::string_view bytes, const std::string& encoding,
                         const std::string& file);

/// Flyway's checksum of a file read with `encoding`. Throws Error(kUsage) naming
/// the file when it cannot be read or decoded.
int32_t FlywayFileChecksum(const std::filesystem::path& path, const std::string& encoding);

/// Java's String.hashCode of a UTF-8 text (over its UTF-16 code units), as
/// Flyway uses it for its lock keys.
int32_t JavaStringHash(std::string_view utf8);

}  // namespace flyrun
