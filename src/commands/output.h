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

/// "file:line:column: message" with what is known.
std::string Location(const std::string& file, int line, int column);

/// Escapes a GitHub workflow command property or message.
std::string GithubEscape(const std::string& text, bool property);

}  // namespace flyrun
