#include "realworld_db.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "driver/mysql/mysql_url.h"
#include "mysql_test_util.h"
#include "pg_test_util.h"
#include "support/test_support.h"

extern char** environ;

namespace flyrun::test {

ToolResult RunTool(const std::vector<std::string>& args, const std::filesystem::path& input,
                   const std::map<std::string, std::string>& env) {
  TempDir io;
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<std::string> argv_strings = args;
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string out = (io.path() / "out").string(), err = (io.path() / "err").string();
  std::string in = input.empty() ? "/dev/null" : input.string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ToolResult r;
  if (rc != 0) {
    r.err = "cannot start " + args[0];
    return r;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) break;
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

ToolResult ScratchDb::ApplyAll(const std::vector<ClientFile>& files) const {
  ToolResult last{0, {}, {}};
  for (const auto& f : files) {
    last = Apply(f.path, f.in_transaction);
    if (last.exit_code != 0) {
      last.err = f.path.string() + ": " + last.err;
      return last;
    }
  }
  return last;
}

std::string ScratchDb::History(const std::string& history) const {
  return Query(
      "SELECT installed_rank, version, description, type, script, checksum, success FROM " +
      Quote(history) + " ORDER BY installed_rank");
}

namespace {

/// The output of a dump or query; a failing tool throws with its message.
std::string Checked(const ToolResult& r, const std::string& what) {
  if (r.exit_code != 0)
    throw std::runtime_error(what + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err);
  return r.out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Sorts the lines between a header (for which `starts` holds) and the next
/// line for which `ends` holds: row order is not part of a table's content.
template <typename Starts, typename Ends>
std::string SortBlocks(const std::string& text, Starts starts, Ends ends) {
  std::string result;
  std::vector<std::string> block;
  bool inside = false;
  auto flush = [&] {
    std::sort(block.begin(), block.end());
    for (const auto& l : block) result += l + "\n";
    block.clear();
  };
  for (const auto& line : Lines(text)) {
    if (inside && ends(line)) {
      flush();
      inside = false;
    }
    if (inside) {
      block.push_back(line);
      continue;
    }
    result += line + "\n";
    if (starts(line)) inside = true;
  }
  flush();
  return result;
}

std::string PgTool(const std::string& name) {
  std::string bindir = EnvOr("FLYRUN_TEST_PG_BINDIR");
  return bindir.empty() ? name : bindir + "/" + name;
}

/// user, password, host and port of a server URL ("scheme://user:pw@host:port/db").
struct ServerAddress {
  std::string user, password, host;
  int port = 0;
};

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

ServerAddress ParsePgUrl(const std::string& url) {
  ServerAddress a;
  std::string rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  auto at = rest.rfind('@');
  std::string credentials = rest.substr(0, at), hostport = rest.substr(at + 1);
  auto colon = credentials.find(':');
  a.user = PercentDecode(credentials.substr(0, colon));
  if (colon != std::string::npos) a.password = PercentDecode(credentials.substr(colon + 1));
  auto port_colon = hostport.rfind(':');
  a.host = hostport.substr(0, port_colon);
  a.port = port_colon == std::string::npos ? 5432 : std::stoi(hostport.substr(port_colon + 1));
  return a;
}

std::string DropDumpNoise(const std::string& dump) {
  std::string out;
  for (const auto& line : Lines(dump)) {
    // pg_dump 15.14 and later guard the dump with a random \restrict key.
    if (line.rfind("\\restrict", 0) == 0 || line.rfind("\\unrestrict", 0) == 0) continue;
    if (line.rfind("-- Dumped ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

class PgDb final : public ScratchDb {
 public:
  PgDb() : address_(ParsePgUrl(EnvOr("FLYRUN_TEST_PG_URL"))) {}
  std::string flyrun_url() const override { return db_.url(); }
  std::string jdbc_url(const std::string& subprotocol) const override {
    return "jdbc:" + subprotocol + "://" + address_.host + ":" + std::to_string(address_.port) +
           "/" + db_.name();
  }
  std::string user() const override { return address_.user; }
  std::string password() const override { return address_.password; }
  std::string name() const override { return db_.name(); }

  // As the role flyrun connects as, so that both databases' objects have one owner.
  ToolResult Apply(const std::filesystem::path& file, bool in_transaction) const override {
    std::vector<std::string> args{PgTool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"};
    if (in_transaction) args.push_back("--single-transaction");
    args.insert(args.end(), {"-d", db_.url(), "-f", file.string()});
    return RunTool(args);
  }
  std::string Query(const std::string& sql) const override {
    return Checked(RunTool({PgTool("psql"), "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-d", db_.admin_url(), "-c", sql}),
                   "psql -c " + sql);
  }
  std::string Schema(const std::string& history) const override {
    return DropDumpNoise(
        Checked(RunTool({PgTool("pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
                         "--exclude-table=public." + history, "-d", db_.admin_url()}),
                "pg_dump --schema-only"));
  }
  std::string Rows(const std::string& history) const override {
    std::string dump = DropDumpNoise(
        Checked(RunTool({PgTool("pg_dump"), "--data-only", "--no-owner", "--no-privileges",
                         "--exclude-table=public." + history, "-d", db_.admin_url()}),
                "pg_dump --data-only"));
    return SortBlocks(
        dump, [](const std::string& l) { return l.rfind("COPY ", 0) == 0; },
        [](const std::string& l) { return l == "\\."; });
  }
  std::string Quote(const std::string& name) const override { return "\"" + name + "\""; }

 private:
  ServerAddress address_;
  PgScratchDatabase db_;
};

class MysqlDb final : public ScratchDb {
 public:
  MysqlDb(const std::filesystem::path& dir, const std::string& tag)
      : target_(ParseMysqlUrl(EnvOr("FLYRUN_TEST_MYSQL_URL"))),
        db_(EnvOr("FLYRUN_TEST_MYSQL_URL"), tag),
        options_(dir / (db_.name() + ".cnf")) {
    // The password goes into an option file, not onto the command line.
    std::ofstream(options_) << "[client]\nuser=" << target_.user
                            << "\npassword=" << target_.password << "\nhost=" << target_.host
                            << "\nport=" << target_.port << "\n";
  }
  std::string flyrun_url() const override { return db_.url(); }
  std::string jdbc_url(const std::string& subprotocol) const override {
    return "jdbc:" + subprotocol + "://" + target_.host + ":" + std::to_string(target_.port) + "/" +
           db_.name();
  }
  std::string user() const override { return target_.user; }
  std::string password() const override { return target_.password; }
  std::string name() const override { return db_.name(); }

  // utf8mb4 as flyrun's driver and Connector/J use; --comments sends comments
  // to the server as flyrun and Flyway do (the client strips them by
  // default, which would change stored routine bodies).
  ToolResult Apply(const std::filesystem::path& file, bool in_transaction) const override {
    return ApplyAll({{file, in_transaction}});
  }

  // One client session for all files, as flyrun and Flyway use one
  // connection (and a connection per file costs more than the files here).
  // One transaction per file: autocommit off from the start, and after each
  // file `\g` (which sends a last statement left without its delimiter,
  // whatever the delimiter, and does nothing otherwise), `DELIMITER ;`,
  // `COMMIT;` and a `USE` of the database, which flyrun also restores. DDL
  // still commits implicitly, as it does for flyrun.
  ToolResult ApplyAll(const std::vector<ClientFile>& files) const override {
    if (files.empty()) return {0, {}, {}};
    std::filesystem::path input = files.front().path.string() + ".all";
    std::ofstream out(input, std::ios::binary);
    std::vector<std::pair<long, std::filesystem::path>> starts;  // first line of each file
    long line = 1;
    for (const auto& f : files) {
      std::string text = ReadFile(f.path);
      starts.emplace_back(line, f.path);
      std::string tail = "\n\\g\nDELIMITER ;\n" + std::string(f.in_transaction ? "COMMIT;\n" : "") +
                         "USE `" + db_.name() + "`;\n";
      out << text << tail;
      line +=
          std::count(text.begin(), text.end(), '\n') + std::count(tail.begin(), tail.end(), '\n');
    }
    out.close();
    ToolResult r = RunTool(
        {"mysql", "--defaults-extra-file=" + options_.string(), "--default-character-set=utf8mb4",
         "--comments", "--batch", "--init-command=SET autocommit=0", "--database=" + db_.name()},
        input);
    std::smatch m;
    if (r.exit_code != 0 && std::regex_search(r.err, m, std::regex(R"(at line (\d+))"))) {
      long at = std::stol(m[1]);
      for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
        if (it->first <= at) {
          r.err = it->second.string() + ":" + std::to_string(at - it->first + 1) + ": " + r.err;
          break;
        }
      }
    }
    return r;
  }
  std::string Query(const std::string& sql) const override {
    return Checked(RunTool({"mysql", "--defaults-extra-file=" + options_.string(),
                            "--default-character-set=utf8mb4", "-N", "-B",
                            "--database=" + db_.name(), "-e", sql}),
                   "mysql -e " + sql);
  }
  std::string Schema(const std::string& history) const override {
    return Checked(RunTool({"mysqldump", "--defaults-extra-file=" + options_.string(),
                            "--default-character-set=utf8mb4", "--no-data", "--skip-comments",
                            "--compact", "--no-tablespaces", "--routines", "--triggers", "--events",
                            "--ignore-table=" + db_.name() + "." + history, db_.name()}),
                   "mysqldump --no-data");
  }
  std::string Rows(const std::string& history) const override {
    std::string dump = Checked(
        RunTool({"mysqldump", "--defaults-extra-file=" + options_.string(),
                 "--default-character-set=utf8mb4", "--no-create-info", "--skip-comments",
                 "--compact", "--no-tablespaces", "--skip-extended-insert", "--skip-triggers",
                 "--hex-blob", "--ignore-table=" + db_.name() + "." + history, db_.name()}),
        "mysqldump --no-create-info");
    auto lines = Lines(dump);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  std::string Quote(const std::string& name) const override { return "`" + name + "`"; }

 private:
  MysqlTarget target_;
  ScratchDatabase db_;
  std::filesystem::path options_;
};

class SqliteDb final : public ScratchDb {
 public:
  SqliteDb(const std::filesystem::path& dir, const std::string& tag)
      : file_(dir / (tag + ".db")), scripts_(dir / (tag + "-scripts")) {
    std::filesystem::create_directories(scripts_);
  }
  std::string flyrun_url() const override { return "sqlite:" + file_.string(); }
  std::string jdbc_url(const std::string& subprotocol) const override {
    return "jdbc:" + subprotocol + ":" + file_.string();
  }
  std::string user() const override { return {}; }
  std::string password() const override { return {}; }
  std::string name() const override { return {}; }

  ToolResult Apply(const std::filesystem::path& file, bool in_transaction) const override {
    std::string read = ".read '" + file.string() + "'\n";
    return RunTool({"sqlite3", "-bail", file_.string()},
                   Script(in_transaction ? "BEGIN;\n" + read + "COMMIT;\n" : read));
  }
  std::string Query(const std::string& sql) const override {
    return Checked(RunTool({"sqlite3", "-batch", "-separator", "\t", file_.string(), sql}),
                   "sqlite3 " + sql);
  }
  std::string Schema(const std::string& history) const override {
    return Query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name <> '" +
                 history + "' ORDER BY type, name");
  }
  std::string Rows(const std::string& history) const override {
    std::string script = ".mode quote\n";
    for (const auto& table : Lines(Query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                         "name <> '" +
                                         history + "' ORDER BY name"))) {
      script += ".print '@@ " + table + "'\nSELECT * FROM " + Quote(table) + ";\n";
    }
    std::string dump =
        Checked(RunTool({"sqlite3", "-bail", file_.string()}, Script(script)), "sqlite3 rows");
    return SortBlocks(
        dump, [](const std::string& l) { return l.rfind("'@@ ", 0) == 0; },
        [](const std::string& l) { return l.rfind("'@@ ", 0) == 0; });
  }
  std::string Quote(const std::string& name) const override { return "\"" + name + "\""; }

 private:
  std::filesystem::path Script(const std::string& text) const {
    auto path = scripts_ / ("input-" + std::to_string(counter_++) + ".sql");
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path file_, scripts_;
  mutable int counter_ = 0;
};

}  // namespace

std::string ServerUrlVariable(Engine engine) {
  switch (engine) {
    case Engine::kPostgres:
      return "FLYRUN_TEST_PG_URL";
    case Engine::kMysql:
      return "FLYRUN_TEST_MYSQL_URL";
    case Engine::kSqlite:
      return {};
  }
  return {};
}

std::unique_ptr<ScratchDb> CreateScratchDb(Engine engine, const std::filesystem::path& dir,
                                           const std::string& tag) {
  switch (engine) {
    case Engine::kPostgres:
      return std::make_unique<PgDb>();
    case Engine::kMysql:
      return std::make_unique<MysqlDb>(dir, tag);
    case Engine::kSqlite:
      return std::make_unique<SqliteDb>(dir, tag);
  }
  return nullptr;
}

std::string ServerVersion(const ScratchDb& db, Engine engine) {
  switch (engine) {
    case Engine::kPostgres:
      return db.Query("SHOW server_version");
    case Engine::kMysql:
      return db.Query("SELECT VERSION()");
    case Engine::kSqlite:
      return db.Query("SELECT sqlite_version()");
  }
  return {};
}

}  // namespace flyrun::test
