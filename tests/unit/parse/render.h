#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <vector>

#include "parse/statement_source.h"

namespace flyrun::test {

/// Serves a string through sgetn in pieces that end at the given cut offsets, so
/// that the splitter sees its input split exactly there.
class CutBuf : public std::streambuf {
 public:
  CutBuf(std::string data, std::vector<size_t> cuts);

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override;
  int_type underflow() override;

 private:
  std::string data_;
  std::vector<size_t> cuts_;  // ascending
  size_t pos_ = 0;
  size_t next_cut_ = 0;
};

struct RenderOptions {
  std::vector<size_t> cuts;  ///< where the input is cut (besides chunk_size)
  bool read_copy = true;     ///< read COPY data, or leave it for the splitter to skip
};

/// Splits `input` and writes every statement with its position, flags and COPY
/// data, then any issue or error, in the format of the tests/data/parse/*.expected
/// files.
std::string Render(const std::string& input, const std::string& name, SplitOptions options,
                   const RenderOptions& render = {});

/// Options for a golden case: dialect from its directory, fixed placeholders, and
/// key=value lines from an optional <case>.options file (issues, replace=false,
/// server_version=N, chunk_size=N, standard_conforming_strings=on|off,
/// no_backslash_escapes=0|1, ansi_quotes=0|1).
SplitOptions GoldenOptions(Dialect dialect, const std::string& options_text);

/// Every *.sql file under tests/data/parse/<dialect dir>, sorted.
std::vector<std::string> GoldenCases(const std::string& dialect_dir);

Dialect DialectOfDir(const std::string& dir);

}  // namespace flyrun::test
