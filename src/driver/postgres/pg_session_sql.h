#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace flyrun::pg {

/// A session SET made local to the transaction.
struct LocalSet {
  std::string sql;  ///< the statement with LOCAL in place of SESSION, or inserted after SET
  /// Where the text changed, for mapping a server error position back to the
  /// original: `inserted` bytes were added at byte `at` of `sql`.
  size_t at = 0;
  size_t inserted = 0;
};

/// Whether `sql` (leading whitespace and comments allowed) is a SET that
/// changes the session: `SET name ...`, `SET SESSION name ...`, `SET ROLE`,
/// `SET TIME ZONE`, `SET SESSION AUTHORIZATION`... Not SET LOCAL, SET
/// TRANSACTION, SET CONSTRAINTS or SET SESSION CHARACTERISTICS.
bool IsSessionSet(std::string_view sql);

/// The same statement as `SET LOCAL ...` when IsSessionSet(sql), else nothing.
/// Through a pooler that hands each transaction to any server connection, a
/// session SET inside a transaction would stay on that server connection for
/// the next client; a local one ends with the transaction.
std::optional<LocalSet> AsSetLocal(std::string_view sql);

}  // namespace flyrun::pg
