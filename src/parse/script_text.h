#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/issue.h"

namespace flyrun {

/// How a script's bytes become the text the splitter reads, as Flyway reads a
/// script: decoded from its encoding to UTF-8, then placeholders replaced over the
/// whole text (comments and strings included) before it is split.
struct ScriptTextOptions {
  /// The script's encoding (any name iconv knows); empty = the bytes as they are,
  /// neither decoded nor checked. UTF-8 (or UTF8) is only checked, not copied.
  std::string encoding;
  /// Replace placeholders the way Flyway does (see PlaceholderReplacer).
  bool replace_placeholders = false;
  std::map<std::string, std::string> placeholders;
  std::string prefix = "${";
  std::string suffix = "}";
  /// When set, unknown placeholders are appended here (and dropped from the text)
  /// instead of thrown. Decoding errors are always thrown.
  Issues* issues = nullptr;
  /// Bytes read from the file at a time (tests cut the input everywhere).
  size_t chunk_size = 64 * 1024;
};

/// Counts lines the way the splitter does: LF, CR and CRLF each end one.
class LineCounter {
 public:
  void Over(std::string_view text);
  int line() const { return line_; }

 private:
  int line_ = 1;
  bool after_cr_ = false;
};

/// Flyway's placeholder replacement, fed chunk by chunk. While what it holds is a
/// proper prefix of the placeholder prefix it reads on; on a mismatch everything
/// held goes out as plain text, not examined again (so `$${x}` stays as it is).
/// Once the whole prefix is read, the name runs up to the first suffix; it is
/// looked up ignoring case, and its value goes out never scanned again. An
/// unknown name is Error(kValidation) "No value provided for placeholder: ${x}"
/// naming the file and the line where it starts.
class PlaceholderReplacer {
 public:
  PlaceholderReplacer(const std::map<std::string, std::string>& placeholders, std::string prefix,
                      std::string suffix, std::string file, Issues* issues = nullptr);

  /// Appends the replaced text of `in` to `out`; text that may still start a
  /// placeholder is held back until the next call.
  void Feed(std::string_view in, std::string& out);
  /// The end of the text: what is held back goes out (an unterminated
  /// placeholder is an error).
  void Finish(std::string& out);

 private:
  void Unknown(const std::string& shown, const std::string& why = {});
  void Plain(std::string_view text, std::string& out) {
    lines_.Over(text);
    out.append(text);
  }

  std::map<std::string, std::string> values_;  ///< by lower-cased name
  std::string prefix_;
  std::string suffix_;
  std::string file_;
  Issues* issues_;
  LineCounter lines_;
  size_t held_ = 0;        ///< bytes of the prefix matched so far
  bool in_name_ = false;   ///< the prefix is read: reading the name
  std::string name_;       ///< the name so far (and the suffix's bytes as they come)
  size_t name_cap_ = 0;    ///< longer names cannot be known ones: only the start is kept
  bool name_cut_ = false;  ///< name_ holds only the start of a longer name
  std::string tail_;       ///< the last bytes read when name_cut_, to find the suffix
  int name_line_ = 1;
};

/// Decodes a script from `encoding` to UTF-8 chunk by chunk (iconv), or checks
/// UTF-8. Text that is not valid in the encoding is Error(kUsage) naming the
/// file and line; so is an unknown encoding (at construction).
class ScriptDecoder {
 public:
  ScriptDecoder(const std::string& encoding, std::string file);
  ~ScriptDecoder();
  ScriptDecoder(const ScriptDecoder&) = delete;
  ScriptDecoder& operator=(const ScriptDecoder&) = delete;

  /// True when the input is UTF-8: Check, not Decode.
  bool utf8() const { return utf8_; }
  /// UTF-8 input: checks `in` (a sequence may be cut between calls).
  void Check(std::string_view in);
  /// Other encodings: appends the UTF-8 of `in` to `out`.
  void Decode(std::string_view in, std::string& out);
  /// The end of the input: a character cut short is an error.
  void Finish();

 private:
  [[noreturn]] void Invalid(const std::string& what) const;

  std::string encoding_;
  std::string file_;
  bool utf8_ = false;
  void* cd_ = nullptr;  ///< iconv_t
  std::string carry_;   ///< bytes of a character cut at the end of a chunk
  LineCounter lines_;
  // UTF-8 checking: continuation bytes still expected, and the range of the next.
  int need_ = 0;
  unsigned char lo_ = 0x80;
  unsigned char hi_ = 0xBF;
};

/// True when `options` changes the bytes at all (decoding or replacing).
bool TransformsText(const ScriptTextOptions& options);

/// `raw` as decoded and placeholder-replaced text, streamed. `file` is the name
/// shown in errors. Errors are thrown from reads of the returned stream's buffer.
std::unique_ptr<std::istream> ScriptTextStream(std::unique_ptr<std::istream> raw,
                                               const ScriptTextOptions& options,
                                               const std::string& file);

/// Streams the text of the script at `path` as the splitter reads it (decoded,
/// placeholders replaced) to `sink`, one chunk at a time. A UTF-8 BOM stays.
/// Throws Error(kUsage) when the file cannot be opened or decoded.
void ReadScriptText(const std::string& path, const ScriptTextOptions& options,
                    const std::function<void(std::string_view)>& sink);

/// The whole text of ReadScriptText: what Flyway checksums for a repeatable
/// script (it hashes repeatables after replacement).
std::string ReplacedScriptText(const std::string& path, const ScriptTextOptions& options);

}  // namespace flyrun
