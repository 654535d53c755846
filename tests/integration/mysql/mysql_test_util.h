#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flyrun::test {

/// `url` (a mysql:// URL) with its database replaced by `database` (query kept).
std::string MysqlUrlWithDatabase(const std::string& url, const std::string& database);
/// `url` with its password replaced.
std::string MysqlUrlWithPassword(const std::string& url, const std::string& password);
/// The password of `url`, percent-decoded.
std::string MysqlUrlPassword(const std::string& url);
/// The port of `url`.
int MysqlUrlPort(const std::string& url);
/// `url` with `param` ("ssl-mode=REQUIRED") appended to its query.
std::string MysqlUrlWithParam(const std::string& url, const std::string& param);

/// "flyrun_<tag>_<random hex>": a name the test user may create (it has ALL on
/// `flyrun%`.*), unique per call, at most 64 characters.
std::string UniqueDatabaseName(const std::string& tag);

using MysqlRow = std::vector<std::optional<std::string>>;

/// Runs `sql` on a connection of its own and returns the rows of the first result
/// (none for statements without rows). Throws std::runtime_error with the server
/// message on failure. For assertions only; it does not go through flyrun's driver.
std::vector<MysqlRow> MysqlQuery(const std::string& url, const std::string& sql);
/// The first column of the first row, "" when NULL or no row.
std::string MysqlScalar(const std::string& url, const std::string& sql);

/// A database created for one test (through the test user's URL) and dropped
/// at the end of it. url() points at it.
class ScratchDatabase {
 public:
  ScratchDatabase(const std::string& base_url, const std::string& tag);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  /// The same database reached as another user (e.g. the admin URL).
  std::string UrlFor(const std::string& other_base_url) const {
    return MysqlUrlWithDatabase(other_base_url, name_);
  }

 private:
  std::string base_url_;
  std::string name_;
  std::string url_;
};

}  // namespace flyrun::test
