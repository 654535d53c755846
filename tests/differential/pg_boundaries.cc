#include "pg_boundaries.h"

#include <pg_query.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "parse/statement_source.h"

namespace flyrun::test {
namespace {

using nlohmann::json;

/// Positions differ by construction (a statement parsed alone starts at 0).
void DropPositions(json& node) {
  if (node.is_object()) {
    for (const char* key : {"location", "stmt_location", "stmt_len"}) node.erase(key);
    for (auto& [key, value] : node.items()) DropPositions(value);
  } else if (node.is_array()) {
    for (auto& value : node) DropPositions(value);
  }
}

/// Appends the parse trees of `sql`'s statements, positions dropped, to `out`;
/// false (with the parser's message in `error`) when the parser rejects it.
bool ParseTrees(const std::string& sql, std::vector<json>& out, std::string& error) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> guard(
      &result, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  if (result.error) {
    error = result.error->message;
    return false;
  }
  // Bytes that are not UTF-8 reach the tree's JSON as they are: such a script
  // says nothing about boundaries (a UTF-8 database refuses it anyway).
  json tree = json::parse(result.parse_tree, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) {
    error = "the parse tree is not valid JSON (bytes that are not UTF-8?)";
    return false;
  }
  for (auto& stmt : tree["stmts"]) {
    DropPositions(stmt);
    out.push_back(std::move(stmt));
  }
  return true;
}

std::string Excerpt(const std::string& text) {
  constexpr size_t kMax = 160;
  return text.size() <= kMax ? text : text.substr(0, kMax) + "...";
}

}  // namespace

BoundaryComparison CompareWithParser(const std::string& script,
                                     const std::vector<std::string>& statements) {
  BoundaryComparison result;
  // libpg_query reads a C string: a NUL byte ends its input but not flyrun's.
  if (script.find('\0') != std::string::npos) return result;
  std::vector<json> whole;
  std::string error;
  if (!ParseTrees(script, whole, error)) return result;
  result.comparable = true;

  std::ostringstream diff;
  size_t next = 0;
  for (size_t i = 0; i < statements.size() && diff.tellp() == 0; ++i) {
    const std::string& sql = statements[i];
    std::vector<json> mine;
    if (!ParseTrees(sql, mine, error)) {
      diff << "statement " << i + 1 << " does not parse on its own (" << error
           << "): " << Excerpt(sql);
    } else if (mine.size() != 1) {
      diff << "statement " << i + 1 << " holds " << mine.size()
           << " statements for PostgreSQL: " << Excerpt(sql);
    } else if (next >= whole.size() || mine[0] != whole[next]) {
      diff << "statement " << i + 1 << " is not PostgreSQL's statement " << next + 1 << " of "
           << whole.size() << ": " << Excerpt(sql);
    }
    ++next;
  }
  if (diff.tellp() == 0 && next != whole.size()) {
    diff << "flyrun yields " << next << " statements, PostgreSQL " << whole.size();
  }
  result.difference = diff.str();
  return result;
}

BoundaryComparison ComparePostgresBoundaries(const std::string& script) {
  SplitOptions options;
  options.dialect = Dialect::kPostgres;
  options.replace_placeholders = false;
  // flyrun's own rules (a misspelt directive) are not about boundaries: recorded
  // and ignored. An unterminated construct ends the statements early and shows.
  Issues issues;
  options.issues = &issues;
  std::vector<std::string> statements;
  std::string refused;
  try {
    StatementSource source(std::make_unique<std::istringstream>(script), "script", options);
    Statement statement;
    while (source.Next(statement)) statements.push_back(std::move(statement.sql));
  } catch (const Error& e) {
    refused = e.what();
  }
  BoundaryComparison result = CompareWithParser(script, statements);
  if (result.comparable && !refused.empty()) {
    result.difference = "flyrun refuses a script PostgreSQL parses: " + refused;
  }
  return result;
}

}  // namespace flyrun::test
