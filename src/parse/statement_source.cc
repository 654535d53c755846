#include "parse/statement_source.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "parse/script_text.h"
#include "parse/splitter.h"

namespace flyrun {

struct StatementSource::Impl {
  std::unique_ptr<std::istream> in;
  std::unique_ptr<parse::Splitter> splitter;
};

StatementSource::StatementSource(std::unique_ptr<std::istream> input, std::string name,
                                 SplitOptions options)
    : impl_(std::make_unique<Impl>()) {
  ScriptTextOptions text;
  text.encoding = options.encoding;
  text.replace_placeholders = options.replace_placeholders && options.replace_everywhere;
  if (text.replace_placeholders) {
    text.placeholders = options.placeholders;
    text.prefix = options.placeholder_prefix;
    text.suffix = options.placeholder_suffix;
    options.replace_placeholders = false;
  }
  text.issues = options.issues;
  text.chunk_size = options.chunk_size;
  impl_->in =
      TransformsText(text) ? ScriptTextStream(std::move(input), text, name) : std::move(input);
  impl_->splitter =
      std::make_unique<parse::Splitter>(*impl_->in, std::move(name), std::move(options));
}

StatementSource::~StatementSource() = default;

std::unique_ptr<StatementSource> StatementSource::Open(const std::string& path,
                                                       SplitOptions options) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    int err = errno;
    throw UsageError("cannot open " + path + (err ? std::string(": ") + std::strerror(err) : ""));
  }
  return std::make_unique<StatementSource>(std::move(in), path, std::move(options));
}

const ScriptDirectives& StatementSource::directives() const {
  return impl_->splitter->directives();
}

bool StatementSource::Next(Statement& out) { return impl_->splitter->Next(out); }

SessionLexing StatementSource::session() const { return impl_->splitter->session(); }

}  // namespace flyrun
