#include "fleet/tenants.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "config/config.h"
#include "config/secrets.h"
#include "core/error.h"

namespace flyrun {
namespace {

[[noreturn]] void FailAt(const std::string& path, int line, const std::string& message,
                         const std::string& hint) {
  Error error(ExitCode::kUsage, path + ":" + std::to_string(line) + ": " + message, hint);
  error.file = path;
  error.line = line;
  throw error;
}

constexpr char kLineHint[] =
    "write one tenant per line: a database URL, optionally followed by a schema name "
    "(# starts a comment line)";

}  // namespace

std::string Tenant::Label() const {
  return RedactUrl(url) + (schema.empty() ? "" : " schema " + schema);
}

std::vector<Tenant> ReadTenants(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw UsageError("cannot read the tenants file " + path + ": " + std::strerror(errno),
                     "check the tenants setting (--tenants, FLYRUN_TENANTS)");
  }
  std::vector<Tenant> tenants;
  std::map<std::pair<std::string, std::string>, int> seen;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::istringstream words(text);
    std::vector<std::string> parts;
    for (std::string word; words >> word;) parts.push_back(word);
    if (parts.empty() || parts.front().front() == '#') continue;
    if (parts.size() > 2) {
      AddUrlSecrets(parts.front());  // the message must not show it
      FailAt(path, number,
             "expected a URL and at most a schema name, found " + std::to_string(parts.size()) +
                 " words",
             kLineHint);
    }
    Tenant tenant;
    tenant.line = number;
    tenant.url =
        CheckedUrl(parts.front(), "in " + path + ":" + std::to_string(number), path, number);
    if (parts.size() == 2) tenant.schema = parts[1];
    auto [it, fresh] = seen.emplace(std::make_pair(tenant.url, tenant.schema), number);
    if (!fresh) {
      FailAt(path, number,
             "the same tenant as line " + std::to_string(it->second) + " (" + tenant.Label() + ")",
             "list each database (and schema) once");
    }
    tenants.push_back(std::move(tenant));
  }
  if (tenants.empty()) {
    throw UsageError("the tenants file " + path + " lists no tenant", kLineHint);
  }
  return tenants;
}

}  // namespace flyrun
