#include "checksum/flyway_checksum.h"

#include <iconv.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace flyrun {

namespace {

constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};

bool IsUtf8Name(const std::string& encoding) {
  std::string name;
  for (char c : encoding)
    if (c != '-' && c != '_')
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name == "UTF8";
}

/// Length of the UTF-8 sequence that starts with `lead` as Java's decoder
/// accepts it (no overlongs, no surrogates, nothing above U+10FFFF), or 0.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

/// Whether the continuation byte at `index` (1-based within the sequence) is
/// valid after `lead`.
bool ContinuationOk(unsigned char lead, int index, unsigned char byte) {
  if ((byte & 0xC0) != 0x80) return false;
  if (index != 1) return true;
  if (lead == 0xE0) return byte >= 0xA0;  // overlong
  if (lead == 0xED) return byte <= 0x9F;  // surrogates
  if (lead == 0xF0) return byte >= 0x90;  // overlong
  if (lead == 0xF4) return byte <= 0x8F;  // above U+10FFFF
  return true;
}

/// Checks UTF-8 fed in chunks cut anywhere; counts lines for messages.
class Utf8Validator {
 public:
  explicit Utf8Validator(std::string file) : file_(std::move(file)) {}

  void Update(std::string_view bytes) {
    for (unsigned char c : bytes) {
      if (need_ == 0) {
        if (c == '\n') ++line_;
        int length = SequenceLength(c);
        if (length == 0) Fail();
        lead_ = c;
        need_ = length - 1;
        index_ = 1;
      } else {
        if (!ContinuationOk(lead_, index_, c)) Fail();
        ++index_;
        --need_;
      }
    }
  }
  void Finish() const {
    if (need_ != 0) Fail();
  }

 private:
  [[noreturn]] void Fail() const {
    Error e(ExitCode::kUsage,
            file_ + ":" + std::to_string(line_) + ": the script is not valid UTF-8",
            "save the file as UTF-8, or set `encoding` (or encoding= in a <script>.sql.conf "
            "beside it) to the encoding it is written in");
    e.file = file_;
    e.line = line_;
    throw e;
  }

  std::string file_;
  int line_ = 1;
  int need_ = 0;
  int index_ = 0;
  unsigned char lead_ = 0;
};

}  // namespace

struct FlywayCrc32::Impl {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t offset = 0;  ///< bytes seen, up to the length of the BOM
  std::string head;   ///< the first bytes while they could still be the BOM
  void Feed(std::string_view bytes) {
    size_t start = 0;
    for (size_t i = 0; i <= bytes.size(); ++i) {
      if (i == bytes.size() || bytes[i] == '\r' || bytes[i] == '\n') {
        if (i > start) {
          crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + start),
                      static_cast<uInt>(i - start));
        }
        start = i + 1;
      }
    }
  }
};

FlywayCrc32::FlywayCrc32() : impl_(std::make_unique<Impl>()) {}
FlywayCrc32::~FlywayCrc32() = default;

void FlywayCrc32::Update(std::string_view utf8) {
  Impl& s = *impl_;
  // A BOM is dropped only at the very start of the text.
  while (s.offset < sizeof kBom && !utf8.empty()) {
    s.head += utf8.front();
    utf8.remove_prefix(1);
    ++s.offset;
    bool still_bom = std::equal(s.head.begin(), s.head.end(), kBom, [](char a, unsigned char b) {
      return static_cast<unsigned char>(a) == b;
    });
    if (!still_bom) {
      s.offset = sizeof kBom;
      s.Feed(s.head);
      s.head.clear();
    } else if (s.head.size() == sizeof kBom) {
      s.head.clear();  // the BOM itself
    }
  }
  s.Feed(utf8);
}

int32_t FlywayCrc32::Value() const {
  uLong crc = impl_->crc;
  if (!impl_->head.empty()) {  // a text shorter than the BOM that began like it
    crc = crc32(crc, reinterpret_cast<const Bytef*>(impl_->head.data()),
                static_cast<uInt>(impl_->head.size()));
  }
  return static_cast<int32_t>(static_cast<uint32_t>(crc));
}

int32_t FlywayChecksumOfText(std::string_view utf8) {
  FlywayCrc32 crc;
  crc.Update(utf8);
  return crc.Value();
}

std::string DecodeToUtf8(std::string_view bytes, const std::string& encoding,
                         const std::string& file) {
  if (IsUtf8Name(encoding)) {
    Utf8Validator check(file);
    check.Update(bytes);
    check.Finish();
    return std::string(bytes);
  }
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    Error e(ExitCode::kUsage, "encoding '" + encoding + "' of " + file + " is not known",
            "use an encoding name such as UTF-8, ISO-8859-1, windows-1252 or UTF-16LE");
    e.file = file;
    throw e;
  }
  std::string out;
  std::vector<char> buffer(64 * 1024);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  bool flushing = false;
  while (true) {
    char* dst = buffer.data();
    size_t dst_left = buffer.size();
    size_t rc = flushing ? iconv(cd, nullptr, nullptr, &dst, &dst_left)
                         : iconv(cd, &in, &in_left, &dst, &dst_left);
    int err = errno;
    out.append(buffer.data(), buffer.size() - dst_left);
    if (rc == static_cast<size_t>(-1) && err == E2BIG) continue;
    if (rc == static_cast<size_t>(-1)) {
      iconv_close(cd);
      int line = 1 + static_cast<int>(std::count(out.begin(), out.end(), '\n'));
      Error e(ExitCode::kUsage,
              file + ":" + std::to_string(line) + ": the script is not valid " + encoding,
              "check the `encoding` setting (or encoding= in a <script>.sql.conf beside it)");
      e.file = file;
      e.line = line;
      throw e;
    }
    if (flushing) break;
    flushing = true;
  }
  iconv_close(cd);
  return out;
}

int32_t FlywayFileChecksum(const std::filesystem::path& path, const std::string& encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error e(ExitCode::kUsage, "cannot read " + path.string() + " (" + std::strerror(errno) + ")");
    e.file = path.string();
    throw e;
  }
  FlywayCrc32 crc;
  if (!IsUtf8Name(encoding)) {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    crc.Update(DecodeToUtf8(bytes, encoding, path.string()));
    return crc.Value();
  }
  Utf8Validator check(path.string());
  std::vector<char> buffer(256 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::string_view chunk(buffer.data(), static_cast<size_t>(in.gcount()));
    check.Update(chunk);
    crc.Update(chunk);
  }
  if (in.bad()) {
    Error e(ExitCode::kUsage, "cannot read " + path.string());
    e.file = path.string();
    throw e;
  }
  check.Finish();
  return crc.Value();
}

int32_t JavaStringHash(std::string_view utf8) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    int length = SequenceLength(c);
    if (length == 0 || i + static_cast<size_t>(length) > utf8.size()) {
      add(0xFFFD);  // what Java's decoder makes of a malformed byte
      ++i;
      continue;
    }
    uint32_t cp = length == 1   ? c
                  : length == 2 ? (c & 0x1F)
                  : length == 3 ? (c & 0x0F)
                                : (c & 0x07);
    for (int k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += static_cast<size_t>(length);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
  }
  return static_cast<int32_t>(h);
}

}  // namespace flyrun
