#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace flyrun {

/// Streaming SHA-256 (OpenSSL EVP) over normalised text: a leading UTF-8 BOM is
/// dropped and CRLF and lone CR become LF, so line endings do not change the
/// checksum. Chunks may be cut anywhere (also between CR and LF, or inside the BOM).
class NormalizedSha256 {
 public:
  NormalizedSha256();
  ~NormalizedSha256();
  NormalizedSha256(const NormalizedSha256&) = delete;
  NormalizedSha256& operator=(const NormalizedSha256&) = delete;

  void Update(std::string_view chunk);
  /// Feeds bytes verbatim (no normalisation), e.g. placeholder values.
  void UpdateRaw(std::string_view bytes);
  /// 64 lower-case hex characters. The object cannot be updated afterwards.
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Checksum of a file read in chunks; `extra` (e.g. the placeholder values of a
/// repeatable) is fed raw after the file. Throws Error(kUsage) naming the file
/// when it cannot be read.
std::string FileChecksum(const std::filesystem::path& path, std::string_view extra = {});

}  // namespace flyrun
