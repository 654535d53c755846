#include "realworld_sets.h"

#include <algorithm>
#include <stdexcept>

#include "support/test_support.h"

namespace flyrun::test {

// Each entry repeats what the set's SOURCES.md says the project configures.
const std::vector<RealworldSet>& RealworldSets() {
  static const std::vector<RealworldSet> sets = [] {
    std::vector<RealworldSet> s;
    {
      RealworldSet c;
      c.name = "conductor-mysql";
      c.engine = Engine::kMysql;
      c.locations = {"migration"};
      c.jdbc_subprotocol = "mysql";
      s.push_back(c);
    }
    {
      // PostgresConfiguration (three locations, outOfOrder) and
      // PostgresPayloadConfiguration (the fourth, with placeholders) on one
      // data source; V9 runs CONCURRENTLY statements without a directive.
      RealworldSet c;
      c.name = "conductor-postgres";
      c.engine = Engine::kPostgres;
      c.locations = {"migration_postgres", "migration_postgres_notify", "migration_postgres_data",
                     "migration_external_postgres"};
      c.placeholders = {{"tableName", "external_payload"},
                        {"maxDataRows", "9223372036854775807"},
                        {"maxDataDays", "'0'"},
                        {"maxDataMonths", "'0'"},
                        {"maxDataYears", "'1'"}};
      c.out_of_order = true;
      c.outside_transaction = {"V9__indexing_index_fix.sql"};
      c.jdbc_subprotocol = "postgresql";
      s.push_back(c);
    }
    {
      RealworldSet c;
      c.name = "conductor-sqlite";
      c.engine = Engine::kSqlite;
      c.locations = {"migration_sqlite"};
      c.jdbc_subprotocol = "sqlite";
      s.push_back(c);
    }
    {
      // Later versions depend on a Java migration (SOURCES.md "Why TARGET").
      RealworldSet c;
      c.name = "dspace-postgres";
      c.engine = Engine::kPostgres;
      c.locations = {"postgres"};
      c.target = "5.7.2017.04.11";
      c.jdbc_subprotocol = "postgresql";
      s.push_back(c);
    }
    {
      // TenantDatabaseUpgradeService: outOfOrder, placeholderReplacement off,
      // table schema_version. Fineract's CI ran MariaDB.
      RealworldSet c;
      c.name = "fineract-mysql";
      c.engine = Engine::kMysql;
      c.locations = {"core_db"};
      c.table = "schema_version";
      c.out_of_order = true;
      c.placeholder_replacement = false;
      c.own_commit = {"V265__modify_external_service_schema.sql"};
      c.jdbc_subprotocol = "mariadb";
      c.masks = {{R"(^(INSERT INTO `job` VALUES \(\d+,'[^']*','[^']*','[^']*',)'[0-9: -]+')",
                  "$1'<now>'",
                  "job.create_time is now() at V79__schedule_jobs_tables.sql:56 (scheduled_jobs, "
                  "renamed job later) and in the later job rows, e.g. "
                  "V117__loan_charge_from_savings.sql:43"}};
      s.push_back(c);
    }
    {
      RealworldSet c;
      c.name = "hawkbit-mysql";
      c.engine = Engine::kMysql;
      c.locations = {"MYSQL"};
      c.jdbc_subprotocol = "mysql";
      s.push_back(c);
    }
    {
      RealworldSet c;
      c.name = "hawkbit-postgres";
      c.engine = Engine::kPostgres;
      c.locations = {"POSTGRESQL"};
      c.own_commit = {"V1_12_37__unify__POSTGRESQL.sql"};
      c.jdbc_subprotocol = "postgresql";
      s.push_back(c);
    }
    {
      RealworldSet c;
      c.name = "kestra-mysql";
      c.engine = Engine::kMysql;
      c.locations = {"mysql"};
      c.jdbc_subprotocol = "mysql";
      c.needs_mysql8 = true;
      s.push_back(c);
    }
    {
      RealworldSet c;
      c.name = "kestra-postgres";
      c.engine = Engine::kPostgres;
      c.locations = {"postgres"};
      c.jdbc_subprotocol = "postgresql";
      s.push_back(c);
    }
    {
      // komga/build.gradle.kts and application.yml: placeholder names with hyphens.
      RealworldSet c;
      c.name = "komga-sqlite";
      c.engine = Engine::kSqlite;
      c.locations = {"sqlite"};
      c.placeholders = {{"library-file-hashing", "true"},
                        {"library-scan-startup", "false"},
                        {"delete-empty-collections", "true"},
                        {"delete-empty-read-lists", "true"}};
      c.jdbc_subprotocol = "sqlite";
      c.masks = {{"('REMEMBER_ME_KEY',)'[0-9A-F]{64}'", "$1'<random>'",
                  "V20230922143307__server_settings.sql:12 inserts hex(randomblob(32))"}};
      s.push_back(c);
    }
    {
      // V47 is a lone CREATE INDEX CONCURRENTLY without a directive.
      RealworldSet c;
      c.name = "marquez-postgres";
      c.engine = Engine::kPostgres;
      c.locations = {"migration"};
      c.outside_transaction = {"V47__add_lineage_event_indexes.sql"};
      c.jdbc_subprotocol = "postgresql";
      s.push_back(c);
    }
    {
      // FlywayConfiguration.java: table schema_version, baselineOnMigrate with
      // baselineVersion 1.5.2 (nothing to baseline in an empty database),
      // validateOnMigrate off; 4.103 needs MySQL's foreign-key rules.
      RealworldSet c;
      c.name = "uaa-mysql";
      c.engine = Engine::kMysql;
      c.locations = {"mysql"};
      c.table = "schema_version";
      c.target = "4.102";
      c.flyway_extra = {{"baselineOnMigrate", "true"},
                        {"baselineVersion", "1.5.2"},
                        {"validateOnMigrate", "false"}};
      c.jdbc_subprotocol = "mysql";
      s.push_back(c);
    }
    return s;
  }();
  return sets;
}

const RealworldSet& FindSet(const std::string& name) {
  for (const auto& s : RealworldSets())
    if (s.name == name) return s;
  throw std::invalid_argument("no realworld set " + name);
}

std::filesystem::path SetDir(const RealworldSet& set) {
  return CorpusDir() / "realworld" / set.name;
}

namespace {

std::vector<std::string> VersionParts(const std::string& version) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : version) {
    if (c == '.' || c == '_') {
      parts.push_back(part);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  parts.push_back(part);
  for (auto& p : parts) {
    p.erase(0, std::min(p.find_first_not_of('0'), p.size()));
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

struct Parsed {
  bool migration = false;
  bool repeatable = false;
  std::string version;
  std::string description;
};

Parsed ParseName(const std::string& name) {
  Parsed p;
  if (name.size() < 4 || name.substr(name.size() - 4) != ".sql") return p;
  if (name[0] != 'V' && name[0] != 'R') return p;
  auto sep = name.find("__");
  if (sep == std::string::npos) return p;
  p.repeatable = name[0] == 'R';
  p.version = name.substr(1, sep - 1);
  if (p.repeatable != p.version.empty()) return p;
  p.description = name.substr(sep + 2, name.size() - 4 - sep - 2);
  std::replace(p.description.begin(), p.description.end(), '_', ' ');
  p.migration = true;
  return p;
}

}  // namespace

int CompareVersions(const std::string& a, const std::string& b) {
  auto pa = VersionParts(a), pb = VersionParts(b);
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string x = i < pa.size() ? pa[i] : "", y = i < pb.size() ? pb[i] : "";
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

ScriptOrder OrderScripts(const RealworldSet& set) {
  struct Entry {
    Parsed parsed;
    ScriptFile file;
  };
  std::vector<Entry> versioned, repeatable;
  for (const auto& location : set.locations) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(SetDir(set) / location)) {
      if (!e.is_regular_file()) continue;
      std::string name = e.path().filename().string();
      Parsed p = ParseName(name);
      if (!p.migration) continue;
      Entry entry{p, ScriptFile{e.path(), name, p.repeatable}};
      (p.repeatable ? repeatable : versioned).push_back(entry);
    }
  }
  std::sort(versioned.begin(), versioned.end(), [](const Entry& a, const Entry& b) {
    return CompareVersions(a.parsed.version, b.parsed.version) < 0;
  });
  std::sort(repeatable.begin(), repeatable.end(), [](const Entry& a, const Entry& b) {
    return a.parsed.description < b.parsed.description;
  });
  ScriptOrder order;
  for (const auto& e : versioned) {
    bool above = !set.target.empty() && CompareVersions(e.parsed.version, set.target) > 0;
    (above ? order.above_target : order.applied).push_back(e.file);
  }
  for (const auto& e : repeatable) order.applied.push_back(e.file);
  return order;
}

std::string ReplacePlaceholders(const RealworldSet& set, std::string text) {
  if (!set.placeholder_replacement) return text;
  for (const auto& [name, value] : set.placeholders) {
    const std::string token = "${" + name + "}";
    for (size_t at = text.find(token); at != std::string::npos;
         at = text.find(token, at + value.size())) {
      text.replace(at, token.size(), value);
    }
  }
  return text;
}

}  // namespace flyrun::test
