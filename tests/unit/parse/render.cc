#include "render.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <istream>
#include <memory>
#include <sstream>

#include "core/error.h"
#include "support/test_support.h"

namespace flyrun::test {

CutBuf::CutBuf(std::string data, std::vector<size_t> cuts)
    : data_(std::move(data)), cuts_(std::move(cuts)) {
  std::sort(cuts_.begin(), cuts_.end());
}

std::streamsize CutBuf::xsgetn(char* s, std::streamsize n) {
  while (next_cut_ < cuts_.size() && cuts_[next_cut_] <= pos_) ++next_cut_;
  size_t limit = next_cut_ < cuts_.size() ? cuts_[next_cut_] : data_.size();
  size_t take = std::min<size_t>(static_cast<size_t>(n), limit - pos_);
  std::memcpy(s, data_.data() + pos_, take);
  pos_ += take;
  return static_cast<std::streamsize>(take);
}

CutBuf::int_type CutBuf::underflow() {
  return pos_ < data_.size() ? traits_type::to_int_type(data_[pos_]) : traits_type::eof();
}

std::string Render(const std::string& input, const std::string& name, SplitOptions options,
                   const RenderOptions& render) {
  std::ostringstream out;
  Issues issues;
  bool collect = options.issues != nullptr;
  if (collect) options.issues = &issues;
  CutBuf buf(input, render.cuts);
  auto in = std::make_unique<std::istream>(&buf);
  try {
    StatementSource source(std::move(in), name, options);
    if (!source.directives().transactional) out << "#### directive transaction=false\n";
    Statement st;
    std::string chunk;
    while (source.Next(st)) {
      out << "#### " << st.index << " at " << st.line << ":" << st.column;
      if (!st.non_transactional.empty())
        out << " non-transactional \"" << st.non_transactional << "\"";
      if (!st.transaction_control.empty())
        out << " transaction-control \"" << st.transaction_control << "\"";
      out << "\n" << st.sql << "\n";
      if (st.copy_data != nullptr && render.read_copy) {
        std::string data;
        while (st.copy_data->Next(chunk)) {
          if (chunk.empty()) out << "#### empty copy chunk\n";
          data += chunk;
        }
        if (st.copy_data->Next(chunk)) out << "#### copy data after the end\n";
        out << "#### copy data, " << data.size() << " bytes\n" << data;
        if (!data.empty() && data.back() != '\n') out << "\n#### (no newline at the end)\n";
      } else if (st.copy_data != nullptr) {
        out << "#### copy data not read\n";
      }
    }
    if (source.Next(st)) out << "#### statement after the end\n";
  } catch (const Error& e) {
    out << "#### error " << e.what() << "\n";
    out << "#### at " << e.file << ":" << e.line << ":" << e.column << "\n";
    if (!e.hint().empty()) out << "#### hint " << e.hint() << "\n";
  }
  for (const Issue& i : issues) {
    out << "#### issue " << i.code << " " << i.file << ":" << i.line << ":" << i.column << ": "
        << i.message << "\n";
  }
  return out.str();
}

SplitOptions GoldenOptions(Dialect dialect, const std::string& options_text) {
  SplitOptions o;
  o.dialect = dialect;
  o.placeholders = {{"schema", "app"},
                    {"table", "users"},
                    {"flyrun:user", "tester"},
                    {"greeting", "it's ${not} re-scanned"},
                    {"empty", ""}};
  std::istringstream lines(options_text);
  std::string line;
  static Issues marker;  // only its address matters: Render collects into its own list
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    std::string key = line.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
    if (key == "issues") o.issues = &marker;
    if (key == "replace" && value == "false") o.replace_placeholders = false;
    if (key == "server_version") o.session.server_version = std::stoi(value);
    // The session's settings at connect: they are also what RESET goes back to.
    if (key == "standard_conforming_strings") {
      o.session.now.standard_conforming_strings = value == "on";
      o.session.reset.standard_conforming_strings = value == "on";
    }
    if (key == "no_backslash_escapes") {
      o.session.now.no_backslash_escapes = value == "1";
      o.session.reset.no_backslash_escapes = value == "1";
    }
    if (key == "ansi_quotes") {
      o.session.now.ansi_quotes = value == "1";
      o.session.reset.ansi_quotes = value == "1";
    }
    if (key == "chunk_size") o.chunk_size = std::stoul(value);
  }
  return o;
}

std::vector<std::string> GoldenCases(const std::string& dialect_dir) {
  std::vector<std::string> cases;
  std::filesystem::path dir =
      std::filesystem::path(FLYRUN_SOURCE_DIR) / "tests/data/parse" / dialect_dir;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".sql") cases.push_back(entry.path().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

Dialect DialectOfDir(const std::string& dir) {
  if (dir == "postgres") return Dialect::kPostgres;
  if (dir == "mysql") return Dialect::kMysql;
  return Dialect::kSqlite;
}

}  // namespace flyrun::test
