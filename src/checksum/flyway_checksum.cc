#include "checksum/flyway_checksum.h"

#include <zlib.h>

#include <algorithm>

namespace flyrun {

namespace {

constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};

/// Length of the UTF-8 sequence that starts with `lead`, or 0.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

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
