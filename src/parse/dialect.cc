#include "parse/dialect.h"

namespace flyrun::parse {
namespace {

constexpr DialectRules kPostgres{
    .dialect = Dialect::kPostgres,
    .blocks = BlockStyle::kPostgres,
    .nested_comments = true,
    .dollar_quotes = true,
    .e_strings = true,
    .backticks = false,
    .brackets = false,
    .hash_comments = false,
    .dash_comment_needs_blank = false,
    .executable_comments = false,
    .delimiter_command = false,
    .copy_from_stdin = true,
    .meta_commands = true,
};

constexpr DialectRules kMysql{
    .dialect = Dialect::kMysql,
    .blocks = BlockStyle::kMysql,
    .nested_comments = false,
    .dollar_quotes = false,
    .e_strings = false,
    .backticks = true,
    .brackets = false,
    .hash_comments = true,
    .dash_comment_needs_blank = true,
    .executable_comments = true,
    .delimiter_command = true,
    .copy_from_stdin = false,
    .meta_commands = false,
};

constexpr DialectRules kSqlite{
    .dialect = Dialect::kSqlite,
    .blocks = BlockStyle::kSqlite,
    .nested_comments = false,
    .dollar_quotes = false,
    .e_strings = false,
    .backticks = true,
    .brackets = true,
    .hash_comments = false,
    .dash_comment_needs_blank = false,
    .executable_comments = false,
    .delimiter_command = false,
    .copy_from_stdin = false,
    .meta_commands = false,
};

}  // namespace

const DialectRules& RulesFor(Dialect dialect) {
  switch (dialect) {
    case Dialect::kPostgres:
      return kPostgres;
    case Dialect::kMysql:
      return kMysql;
    case Dialect::kSqlite:
      return kSqlite;
  }
  return kSqlite;
}

}  // namespace flyrun::parse
