#pragma once

#include <string>
#include <vector>

namespace flyrun {

/// One database of a fleet: a line of the tenants file.
struct Tenant {
  std::string url;     ///< checked and translated as the url key is (jdbc: URLs too)
  std::string schema;  ///< schema-per-tenant PostgreSQL; empty = the configured one
  int line = 0;        ///< where it is in the tenants file (1-based)
  /// How output names it: the URL without its password, and the schema.
  std::string Label() const;
};

/// Reads a tenants file: one tenant per line, a URL optionally followed by
/// blanks and a schema name; blank lines and lines starting with '#' are
/// skipped. Every URL's passwords are registered with the secrets module.
/// Error(kUsage) naming file:line for a line with more than two words, a bad
/// URL, or a tenant listed twice; naming the file when it cannot be read or
/// lists no tenant.
std::vector<Tenant> ReadTenants(const std::string& path);

}  // namespace flyrun
