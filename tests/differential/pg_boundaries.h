#pragma once

#include <string>
#include <vector>

namespace flyrun::test {

/// What comparing flyrun's PostgreSQL statement boundaries with PostgreSQL's own
/// parser (libpg_query) found for one script.
struct BoundaryComparison {
  /// False when PostgreSQL's parser rejects the script as a whole (psql
  /// meta-commands, COPY data, placeholders, syntax errors): nothing is compared.
  bool comparable = false;
  /// Empty when both agree; otherwise what differs, for a test failure message.
  std::string difference;
};

/// Splits `script` with flyrun's PostgreSQL rules and parses it with libpg_query;
/// when the parser accepts it, every statement flyrun yields must parse on its own
/// into exactly the next statement(s) of the whole-file parse tree (positions
/// ignored), and together they must cover all of them.
BoundaryComparison ComparePostgresBoundaries(const std::string& script);

/// The comparison alone, for `statements` cut from `script` by any means.
BoundaryComparison CompareWithParser(const std::string& script,
                                     const std::vector<std::string>& statements);

}  // namespace flyrun::test
