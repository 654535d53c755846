// A script's bytes as the text Flyway reads: decoded to UTF-8, placeholders replaced.
#include "parse/script_text.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/error.h"

namespace flyrun {
namespace {

std::string Lowered(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

bool IsUtf8Name(const std::string& encoding) {
  std::string s;
  for (char c : Lowered(encoding))
    if (c != '-' && c != '_') s += c;
  return s == "utf8";
}

bool EndsWith(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

constexpr size_t kShownName = 100;

const char* const kPlaceholderHint =
    "define it with --placeholder NAME=VALUE or under placeholders: in the configuration "
    "(flyway.placeholders.NAME in a Flyway configuration), or turn replacement off "
    "(placeholder_replacement: false, flyway.placeholderReplacement=false)";

}  // namespace

void LineCounter::Over(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return;
  if (after_cr_ && *p == '\n') ++p;  // the LF of a CRLF cut between chunks
  after_cr_ = false;
  if (std::memchr(p, '\r', static_cast<size_t>(end - p)) == nullptr) {
    line_ += static_cast<int>(std::count(p, end, '\n'));
    return;
  }
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++line_;
    } else if (*p == '\r') {
      ++line_;
      if (p + 1 == end) {
        after_cr_ = true;
      } else if (p[1] == '\n') {
        ++p;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Placeholders.

PlaceholderReplacer::PlaceholderReplacer(const std::map<std::string, std::string>& placeholders,
                                         std::string prefix, std::string suffix, std::string file,
                                         Issues* issues)
    : prefix_(std::move(prefix)),
      suffix_(std::move(suffix)),
      file_(std::move(file)),
      issues_(issues) {
  if (prefix_.empty() || suffix_.empty()) {
    throw UsageError(
        "the placeholder " + std::string(prefix_.empty() ? "prefix" : "suffix") + " is empty",
        "set placeholder_prefix and placeholder_suffix (Flyway: placeholderPrefix, "
        "placeholderSuffix) to non-empty text, such as ${ and }");
  }
  for (const auto& [name, value] : placeholders) {
    values_.emplace(Lowered(name), value);
    name_cap_ = std::max(name_cap_, name.size());
  }
  name_cap_ = std::max(name_cap_, kShownName) + suffix_.size();
}

void PlaceholderReplacer::Unknown(const std::string& shown, const std::string& why) {
  std::string message = "No value provided for placeholder: " + shown + why;
  if (issues_ != nullptr) {
    issues_->push_back(
        Issue{"unknown-placeholder", file_, name_line_, 0, message, kPlaceholderHint});
    return;
  }
  Error error(ExitCode::kValidation, message + " at " + file_ + ":" + std::to_string(name_line_),
              kPlaceholderHint);
  error.file = file_;
  error.line = name_line_;
  throw error;
}

void PlaceholderReplacer::Feed(std::string_view in, std::string& out) {
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    if (in_name_) {
      char c = in[i++];
      lines_.Over(std::string_view(&c, 1));
      std::string& grown = name_cut_ ? tail_ : name_;
      grown += c;
      if (EndsWith(grown, suffix_)) {
        if (name_cut_) {
          Unknown(prefix_ + name_ + "..." + suffix_);
        } else {
          name_.resize(name_.size() - suffix_.size());
          auto it = values_.find(Lowered(name_));
          if (it == values_.end()) {
            Unknown(prefix_ + name_ + suffix_);
          } else {
            out += it->second;  // never scanned again
          }
        }
        in_name_ = name_cut_ = false;
        name_.clear();
        tail_.clear();
      } else if (name_cut_) {
        if (tail_.size() > suffix_.size()) tail_.erase(0, tail_.size() - suffix_.size());
      } else if (name_.size() > name_cap_) {
        // No known name is this long: keep its start to show, and watch the end.
        name_cut_ = true;
        tail_ = name_.substr(name_.size() - std::min(name_.size(), suffix_.size()));
        name_.resize(kShownName);
      }
      continue;
    }
    if (held_ > 0) {
      char c = in[i++];
      if (c == prefix_[held_]) {
        if (++held_ == prefix_.size()) {
          lines_.Over(prefix_);
          held_ = 0;
          in_name_ = true;
        }
      } else {
        // Everything held goes out as it is, the byte that broke the match too.
        Plain(std::string_view(prefix_).substr(0, held_), out);
        Plain(std::string_view(&c, 1), out);
        held_ = 0;
      }
      continue;
    }
    const void* hit = std::memchr(in.data() + i, prefix_[0], n - i);
    size_t j = hit ? static_cast<size_t>(static_cast<const char*>(hit) - in.data()) : n;
    Plain(in.substr(i, j - i), out);
    i = j;
    if (hit == nullptr) break;
    ++i;
    name_line_ = lines_.line();
    if (prefix_.size() == 1) {
      lines_.Over(prefix_);
      in_name_ = true;
    } else {
      held_ = 1;
    }
  }
}

void PlaceholderReplacer::Finish(std::string& out) {
  if (held_ > 0) {
    Plain(std::string_view(prefix_).substr(0, held_), out);
    held_ = 0;
  }
  if (in_name_) {
    in_name_ = false;
    std::string shown = prefix_ + name_ + (name_cut_ ? "..." : "");
    name_.clear();
    tail_.clear();
    name_cut_ = false;
    Unknown(shown, " (no " + suffix_ + " before the end of the script)");
  }
}

// ---------------------------------------------------------------------------
// Decoding.

ScriptDecoder::ScriptDecoder(const std::string& encoding, std::string file)
    : encoding_(encoding), file_(std::move(file)), utf8_(IsUtf8Name(encoding)) {
  if (utf8_) return;
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    throw UsageError("unknown encoding '" + encoding + "' for " + file_,
                     "name an encoding such as UTF-8, ISO-8859-1, windows-1252 or UTF-16 "
                     "(encoding in the configuration, or encoding= in the script's .sql.conf)");
  }
  cd_ = cd;
}

ScriptDecoder::~ScriptDecoder() {
  if (cd_ != nullptr) iconv_close(static_cast<iconv_t>(cd_));
}

void ScriptDecoder::Invalid(const std::string& what) const {
  Error error(
      ExitCode::kUsage,
      file_ + ":" + std::to_string(lines_.line()) + ": " + what + " (read as " + encoding_ + ")",
      "save the file in its configured encoding, or set the encoding it is written in "
      "(encoding in the configuration, or encoding= in the script's .sql.conf)");
  error.file = file_;
  error.line = lines_.line();
  throw error;
}

void ScriptDecoder::Check(std::string_view in) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  auto bad = [&](size_t at) {
    lines_.Over(in.substr(0, at));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", p[at]);
    Invalid(std::string("not valid UTF-8 (byte ") + hex + ")");
  };
  while (i < n) {
    if (need_ == 0) {
      while (i + 8 <= n) {
        uint64_t word;
        std::memcpy(&word, p + i, 8);
        if ((word & 0x8080808080808080ULL) != 0) break;
        i += 8;
      }
      if (i >= n) break;
      unsigned char c = p[i];
      if (c < 0x80) {
        ++i;
        continue;
      }
      lo_ = 0x80;
      hi_ = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need_ = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need_ = 2;
        if (c == 0xE0) lo_ = 0xA0;  // overlong
        if (c == 0xED) hi_ = 0x9F;  // surrogates
      } else if (c >= 0xF0 && c <= 0xF4) {
        need_ = 3;
        if (c == 0xF0) lo_ = 0x90;  // overlong
        if (c == 0xF4) hi_ = 0x8F;  // above U+10FFFF
      } else {
        bad(i);
      }
      ++i;
      continue;
    }
    if (p[i] < lo_ || p[i] > hi_) bad(i);
    lo_ = 0x80;
    hi_ = 0xBF;
    --need_;
    ++i;
  }
  lines_.Over(in);
}

void ScriptDecoder::Decode(std::string_view in, std::string& out) {
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_ + std::string(in);
    carry_.clear();
    in = joined;
  }
  auto* cd = static_cast<iconv_t>(cd_);
  char* src = const_cast<char*>(in.data());
  size_t left = in.size();
  const size_t start = out.size();
  while (left > 0) {
    size_t used = out.size();
    out.resize(used + left * 4 + 16);
    char* dst = out.data() + used;
    size_t room = out.size() - used;
    size_t r = iconv(cd, &src, &left, &dst, &room);
    int err = errno;
    out.resize(static_cast<size_t>(dst - out.data()));
    if (r != static_cast<size_t>(-1)) break;
    if (err == E2BIG) continue;
    if (err == EINVAL) {  // a character cut at the end of the chunk
      carry_.assign(src, left);
      break;
    }
    lines_.Over(std::string_view(out).substr(start));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(*src));
    Invalid(std::string("not valid ") + encoding_ + " (byte " + hex + ")");
  }
  lines_.Over(std::string_view(out).substr(start));
}

void ScriptDecoder::Finish() {
  if (need_ > 0 || !carry_.empty()) Invalid("the file ends inside a character");
}

// ---------------------------------------------------------------------------
// The stream the splitter reads.

namespace {

class ScriptTextBuf : public std::streambuf {
 public:
  ScriptTextBuf(std::unique_ptr<std::istream> raw, const ScriptTextOptions& options,
                const std::string& file)
      : raw_(std::move(raw)), chunk_(std::max<size_t>(options.chunk_size, 1)) {
    if (!options.encoding.empty()) decoder_.emplace(options.encoding, file);
    if (options.replace_placeholders) {
      replacer_.emplace(options.placeholders, options.prefix, options.suffix, file, options.issues);
    }
  }

 protected:
  int_type underflow() override {
    while (gptr() == egptr()) {
      if (done_) return traits_type::eof();
      in_.resize(chunk_);
      std::streambuf* sb = raw_->rdbuf();
      std::streamsize got = sb ? sb->sgetn(in_.data(), static_cast<std::streamsize>(chunk_)) : 0;
      in_.resize(got > 0 ? static_cast<size_t>(got) : 0);
      if (in_.empty()) {
        done_ = true;
        if (decoder_) decoder_->Finish();
        out_.clear();
        if (replacer_) replacer_->Finish(out_);
        Show(out_);
        continue;
      }
      std::string_view text = in_;
      if (decoder_ && decoder_->utf8()) {
        decoder_->Check(in_);
      } else if (decoder_) {
        mid_.clear();
        decoder_->Decode(in_, mid_);
        text = mid_;
      }
      if (replacer_) {
        out_.clear();
        replacer_->Feed(text, out_);
        text = out_;
      }
      Show(text);
    }
    return traits_type::to_int_type(*gptr());
  }

 private:
  void Show(std::string_view text) {
    char* p = const_cast<char*>(text.data());
    setg(p, p, p + text.size());
  }

  std::unique_ptr<std::istream> raw_;
  size_t chunk_;
  std::optional<ScriptDecoder> decoder_;
  std::optional<PlaceholderReplacer> replacer_;
  std::string in_, mid_, out_;
  bool done_ = false;
};

class ScriptTextIstream : public std::istream {
 public:
  ScriptTextIstream(std::unique_ptr<std::istream> raw, const ScriptTextOptions& options,
                    const std::string& file)
      : std::istream(nullptr), buf_(std::move(raw), options, file) {
    rdbuf(&buf_);
    exceptions(std::ios::badbit);  // errors of the text reach the reader
  }

 private:
  ScriptTextBuf buf_;
};

}  // namespace

bool TransformsText(const ScriptTextOptions& options) {
  return !options.encoding.empty() || options.replace_placeholders;
}

std::unique_ptr<std::istream> ScriptTextStream(std::unique_ptr<std::istream> raw,
                                               const ScriptTextOptions& options,
                                               const std::string& file) {
  return std::make_unique<ScriptTextIstream>(std::move(raw), options, file);
}

void ReadScriptText(const std::string& path, const ScriptTextOptions& options,
                    const std::function<void(std::string_view)>& sink) {
  auto raw = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*raw) {
    int err = errno;
    throw UsageError("cannot open " + path + (err ? std::string(": ") + std::strerror(err) : ""));
  }
  auto text = ScriptTextStream(std::move(raw), options, path);
  std::string chunk(std::max<size_t>(options.chunk_size, 1), '\0');
  for (;;) {
    std::streamsize got =
        text->rdbuf()->sgetn(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (got <= 0) break;
    sink(std::string_view(chunk.data(), static_cast<size_t>(got)));
  }
}

std::string ReplacedScriptText(const std::string& path, const ScriptTextOptions& options) {
  std::string out;
  ReadScriptText(path, options, [&](std::string_view text) { out.append(text); });
  return out;
}

}  // namespace flyrun
