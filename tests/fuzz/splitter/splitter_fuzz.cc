// libFuzzer target for the statement splitter. The first two bytes pick the
// dialect, options and a chunk size; the rest is the script. Besides crashes and
// sanitizer reports it checks the splitter's promises, trapping when one breaks:
// the same statements, positions and errors whether the input arrives whole or cut
// into small pieces, and sane statements (1-based increasing positions, no blank
// text, no surrounding whitespace).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <streambuf>
#include <string>

#include "core/error.h"
#include "parse/statement_source.h"

namespace {

/// Hands out the data in pieces of at most `piece` bytes per read.
class PieceBuf : public std::streambuf {
 public:
  PieceBuf(const std::string& data, size_t piece) : data_(data), piece_(piece) {}

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    size_t take = std::min({static_cast<size_t>(n), piece_, data_.size() - pos_});
    std::memcpy(s, data_.data() + pos_, take);
    pos_ += take;
    return static_cast<std::streamsize>(take);
  }
  int_type underflow() override { return traits_type::eof(); }

 private:
  const std::string& data_;
  size_t piece_;
  size_t pos_ = 0;
};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string Run(const std::string& script, flyrun::SplitOptions options, size_t piece,
                bool read_copy) {
  flyrun::Issues issues;
  if (options.issues != nullptr) options.issues = &issues;
  PieceBuf buf(script, piece);
  std::string out;
  try {
    flyrun::StatementSource source(std::make_unique<std::istream>(&buf), "fuzz.sql", options);
    out += source.directives().transactional ? "T\n" : "F\n";
    flyrun::Statement st;
    int last_line = 0;
    int index = 0;
    std::string chunk;
    while (source.Next(st)) {
      Check(st.index == ++index);
      Check(st.line >= 1 && st.column >= 1 && st.line >= last_line);
      last_line = st.line;
      Check(!st.sql.empty());
      Check(!std::isspace(static_cast<unsigned char>(st.sql.front())));
      Check(!std::isspace(static_cast<unsigned char>(st.sql.back())));
      out += std::to_string(st.line) + ":" + std::to_string(st.column) + " " +
             st.non_transactional + "\n" + st.sql + "\n";
      if (st.copy_data != nullptr && read_copy) {
        out += "COPY\n";
        while (st.copy_data->Next(chunk)) {
          Check(!chunk.empty());
          out += chunk;
        }
        Check(!st.copy_data->Next(chunk) && chunk.empty());
      }
    }
    Check(!source.Next(st));
  } catch (const flyrun::Error& e) {
    Check(e.code() == flyrun::ExitCode::kValidation && e.line >= 1 && e.column >= 1);
    out += std::string("E ") + e.what() + "\n";
  }
  for (const auto& i : issues) {
    Check(i.line >= 1 && i.column >= 1);
    out += "I " + i.code + " " + std::to_string(i.line) + ":" + std::to_string(i.column) + " " +
           i.message + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 1 << 16) return 0;
  const uint8_t control = data[0];
  const size_t piece = 1 + data[1] % 17;
  std::string script(reinterpret_cast<const char*>(data) + 2, size - 2);

  flyrun::SplitOptions options;
  options.dialect = control % 3 == 0   ? flyrun::Dialect::kPostgres
                    : control % 3 == 1 ? flyrun::Dialect::kMysql
                                       : flyrun::Dialect::kSqlite;
  options.replace_placeholders = (control & 0x04) == 0;
  flyrun::Issues marker;
  if (control & 0x08) options.issues = &marker;
  options.session.server_version = (control & 0x10) ? 11 : 0;
  // The session's settings at connect: PostgreSQL standard_conforming_strings
  // off, MySQL NO_BACKSLASH_ESCAPES and ANSI_QUOTES.
  options.session.now.standard_conforming_strings = (control & 0x40) == 0;
  options.session.now.no_backslash_escapes = (control & 0x40) != 0;
  options.session.now.ansi_quotes = (control & 0x80) != 0;
  options.placeholders = {
      {"schema", "app"}, {"flyrun:user", "u"}, {"v", "${v};'"}, {"e", ""}, {"b", " \n"}};
  const bool read_copy = (control & 0x20) == 0;

  std::string whole = Run(script, options, script.size() + 1, read_copy);
  flyrun::SplitOptions small = options;
  small.chunk_size = piece;
  Check(whole == Run(script, small, script.size() + 1, read_copy));
  Check(whole == Run(script, options, piece, read_copy));
  return 0;
}
