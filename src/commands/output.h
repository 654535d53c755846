#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/issue.h"

namespace flyrun {

/// Prints an aligned text table (header, a rule, rows).
void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

nlohmann::json IssueJson(const Issue& issue);

/// The JSON object describing an error (for `--output json` on failure).
nlohmann::json ErrorJson(const Error& error);

/// "file:line:column" with what is known ("file:line", "file").
std::string Location(const std::string& file, int line, int column);

/// One problem in the compiler style that terminals, editors and grep read:
/// "file:line:column: error[code]: message" ("file: ..." without a line,
/// "flyrun: ..." without a file). No hint, no line break.
std::string IssueLine(const Issue& issue);

/// Escapes a GitHub workflow command property or message.
std::string GithubEscape(const std::string& text, bool property);

}  // namespace flyrun
