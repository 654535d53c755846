#include "checksum/checksum.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/fd.h"

namespace flyrun {
namespace {

constexpr size_t kChunkSize = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

struct NormalizedSha256::Impl {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx{EVP_MD_CTX_new()};
  // The BOM may arrive split over chunks, so up to two of its bytes wait here
  // until the third decides whether they are a BOM or text.
  std::string bom_prefix;
  bool at_start = true;
  // A CR was turned into LF; an LF right after it (maybe in the next chunk) is
  // the second half of a CRLF and is dropped.
  bool after_cr = false;
  bool finished = false;
  std::string scratch;

  void Digest(std::string_view bytes) {
    if (!bytes.empty() && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1) {
      throw Error(ExitCode::kUsage, "SHA-256 update failed (OpenSSL)");
    }
  }

  void Normalize(std::string_view text) {
    if (after_cr && !text.empty()) {
      if (text[0] == '\n') text.remove_prefix(1);
      after_cr = false;
    }
    if (text.empty()) return;
    if (std::memchr(text.data(), '\r', text.size()) == nullptr) {
      Digest(text);
      return;
    }
    // Rewriting into one buffer keeps the digest calls per chunk, not per line.
    scratch.resize(text.size());
    char* out = scratch.data();
    size_t pos = 0;
    while (pos < text.size()) {
      const void* hit = std::memchr(text.data() + pos, '\r', text.size() - pos);
      size_t cr =
          hit ? static_cast<size_t>(static_cast<const char*>(hit) - text.data()) : text.size();
      std::memcpy(out, text.data() + pos, cr - pos);
      out += cr - pos;
      if (cr == text.size()) break;
      *out++ = '\n';
      pos = cr + 1;
      if (pos == text.size()) {
        after_cr = true;
      } else if (text[pos] == '\n') {
        ++pos;
      }
    }
    scratch.resize(static_cast<size_t>(out - scratch.data()));
    Digest(scratch);
  }

  // Releases bytes held back as a possible BOM: they were text after all.
  void FlushBomPrefix() {
    if (!at_start) return;
    at_start = false;
    std::string held;
    held.swap(bom_prefix);
    Normalize(held);
  }

  void CheckOpen() const {
    if (finished) throw Error(ExitCode::kUsage, "checksum updated after HexDigest");
  }
};

NormalizedSha256::NormalizedSha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw Error(ExitCode::kUsage, "SHA-256 initialisation failed (OpenSSL)");
  }
}

NormalizedSha256::~NormalizedSha256() = default;

void NormalizedSha256::Update(std::string_view chunk) {
  impl_->CheckOpen();
  if (impl_->at_start) {
    while (!chunk.empty() && impl_->bom_prefix.size() < kBom.size()) {
      if (chunk[0] != kBom[impl_->bom_prefix.size()]) {
        impl_->FlushBomPrefix();
        break;
      }
      impl_->bom_prefix.push_back(chunk[0]);
      chunk.remove_prefix(1);
    }
    if (impl_->at_start) {
      if (impl_->bom_prefix.size() < kBom.size()) return;  // all of it could still be a BOM
      impl_->bom_prefix.clear();
      impl_->at_start = false;
    }
  }
  impl_->Normalize(chunk);
}

void NormalizedSha256::UpdateRaw(std::string_view bytes) {
  impl_->CheckOpen();
  impl_->FlushBomPrefix();
  impl_->after_cr = false;
  impl_->Digest(bytes);
}

std::string NormalizedSha256::HexDigest() {
  impl_->CheckOpen();
  impl_->FlushBomPrefix();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), digest, &length) != 1) {
    throw Error(ExitCode::kUsage, "SHA-256 finalisation failed (OpenSSL)");
  }
  impl_->finished = true;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

std::string FileChecksum(const std::filesystem::path& path, std::string_view extra) {
  auto fail = [&path](int err) {
    Error e(ExitCode::kUsage, "cannot read " + path.string() + ": " + std::strerror(err),
            "check that the file exists and is readable");
    e.file = path.string();
    return e;
  };
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw fail(errno);
  NormalizedSha256 sha;
  std::vector<char> buffer(kChunkSize);
  for (;;) {
    ssize_t n = read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail(errno);
    }
    if (n == 0) break;
    sha.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  sha.UpdateRaw(extra);
  return sha.HexDigest();
}

}  // namespace flyrun
