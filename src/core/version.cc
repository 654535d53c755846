#include "core/version.h"

#include <algorithm>

namespace flyrun {

std::optional<Version> Version::parse(std::string_view text) {
  Version v;
  v.parts_.clear();
  std::string part;
  bool have_digit = false;
  auto flush = [&]() -> bool {
    if (!have_digit) return false;
    size_t nz = part.find_first_not_of('0');
    v.parts_.push_back(nz == std::string::npos ? "0" : part.substr(nz));
    part.clear();
    have_digit = false;
    return true;
  };
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      part.push_back(c);
      have_digit = true;
    } else if (c == '.' || c == '_') {
      if (!flush()) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (!flush()) return std::nullopt;
  while (v.parts_.size() > 1 && v.parts_.back() == "0") v.parts_.pop_back();
  return v;
}

std::string Version::str() const {
  std::string out;
  for (const auto& p : parts_) {
    if (!out.empty()) out.push_back('.');
    out += p;
  }
  return out.empty() ? "0" : out;
}

static std::strong_ordering ComparePart(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() <=> b.size();
  int c = a.compare(b);
  return c < 0 ? std::strong_ordering::less
               : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  size_t n = std::max(parts_.size(), other.parts_.size());
  static const std::string kZero = "0";
  for (size_t i = 0; i < n; ++i) {
    const std::string& a = i < parts_.size() ? parts_[i] : kZero;
    const std::string& b = i < other.parts_.size() ? other.parts_[i] : kZero;
    auto c = ComparePart(a, b);
    if (c != 0) return c;
  }
  return std::strong_ordering::equal;
}

}  // namespace flyrun
