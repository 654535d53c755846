// PLACEHOLDER: naive splitter (quotes and line comments only) to unblock the
// pipeline; replaced by the streaming dialect-aware splitter.
#include "parse/statement_source.h"

#include <fstream>

#include "core/error.h"

namespace flyrun {

struct StatementSource::Impl {
  std::unique_ptr<std::istream> in;
  std::string name;
  SplitOptions options;
  ScriptDirectives directives;
  int line = 1;
  int index = 0;
  std::string buffered;
  bool primed = false;
};

StatementSource::StatementSource(std::unique_ptr<std::istream> input, std::string name,
                                 SplitOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->in = std::move(input);
  impl_->name = std::move(name);
  impl_->options = std::move(options);
  std::string first;
  std::getline(*impl_->in, first);
  if (first.find("flyrun:transaction=false") != std::string::npos)
    impl_->directives.transactional = false;
  impl_->buffered = first + "\n";
}

StatementSource::~StatementSource() = default;

std::unique_ptr<StatementSource> StatementSource::Open(const std::string& path,
                                                       SplitOptions options) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) throw UsageError("cannot open " + path);
  return std::make_unique<StatementSource>(std::move(in), path, std::move(options));
}

const ScriptDirectives& StatementSource::directives() const { return impl_->directives; }

bool StatementSource::Next(Statement& out) {
  out = Statement{};
  std::string sql;
  int start_line = 0;
  char quote = 0;
  bool line_comment = false;
  auto get = [&](char& c) -> bool {
    if (!impl_->buffered.empty()) {
      c = impl_->buffered.front();
      impl_->buffered.erase(0, 1);
      return true;
    }
    return static_cast<bool>(impl_->in->get(c));
  };
  char c;
  while (get(c)) {
    if (c == '\n') {
      ++impl_->line;
      line_comment = false;
    }
    if (line_comment) continue;
    if (!quote && c == '-' && !impl_->buffered.empty() && impl_->buffered.front() == '-') {
      line_comment = true;
      continue;
    }
    if (!quote && c == '-' && impl_->in->peek() == '-' && impl_->buffered.empty()) {
      line_comment = true;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      if (start_line) {
        out.sql = sql;
        out.line = start_line;
        out.index = ++impl_->index;
        return true;
      }
      continue;
    }
    if (!start_line && !isspace(static_cast<unsigned char>(c))) start_line = impl_->line;
    if (start_line) sql.push_back(c);
  }
  if (start_line) {
    out.sql = sql;
    out.line = start_line;
    out.index = ++impl_->index;
    return true;
  }
  return false;
}

}  // namespace flyrun
