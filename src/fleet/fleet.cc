#include "fleet/fleet.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "commands/output.h"
#include "config/secrets.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "driver/factory.h"
#include "fleet/tenants.h"

namespace flyrun {
namespace {

enum class Status { kNotStarted, kSucceeded, kFailed };

struct TenantResult {
  Status status = Status::kNotStarted;
  ExitCode code = ExitCode::kSuccess;
  nlohmann::json document;  ///< the command's own --output json document
  std::string outcome;      ///< one line: what it did, or the error's first line
  long long ms = 0;
};

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string VersionOf(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

/// What a successful command did, from its JSON document.
std::string Outcome(const std::string& command, const nlohmann::json& doc) {
  auto count = [&doc](const char* key) {
    return doc.contains(key) && doc[key].is_number() ? doc[key].get<size_t>() : size_t{0};
  };
  if (command == "migrate") {
    std::string at = VersionOf(doc.value("target_schema_version", nlohmann::json()));
    std::string where = at.empty() ? "" : " at version " + at;
    if (doc.value("dry_run", false))
      return Plural(count("migrations_would_apply"), "migration") + " would be applied";
    size_t applied = count("migrations_executed");
    if (applied == 0) return "up to date" + where;
    return "applied " + Plural(applied, "migration") + (at.empty() ? "" : ", now at version " + at);
  }
  if (command == "info") {
    std::string at = VersionOf(doc.value("schema_version", nlohmann::json()));
    size_t pending = 0;
    for (const auto& row : doc.value("migrations", nlohmann::json::array()))
      pending += row.value("state", "") == "Pending" ? 1 : 0;
    return (at.empty() ? std::string("no version applied") : "at version " + at) + ", " +
           std::to_string(pending) + " pending";
  }
  if (command == "validate") {
    size_t issues = doc.value("issues", nlohmann::json::array()).size();
    return issues == 0 ? "valid" : Plural(issues, "problem");
  }
  if (command == "undo") return "undid " + Plural(count("migrations_undone"), "migration");
  if (command == "repair") {
    size_t changes = doc.value("changes", nlohmann::json::array()).size();
    return changes == 0 ? "nothing to repair" : "repaired " + Plural(changes, "history row");
  }
  if (command == "baseline")
    return "baselined at version " + VersionOf(doc.value("baseline_version", nlohmann::json()));
  return "done";
}

const char* StatusName(Status s) {
  switch (s) {
    case Status::kSucceeded:
      return "succeeded";
    case Status::kFailed:
      return "failed";
    case Status::kNotStarted:
      break;
  }
  return "not_started";
}

/// Runs the command for one tenant with its own copy of the context.
TenantResult RunTenant(const CommandContext& fleet_ctx, const std::string& command,
                       const CommandRunner& run, const Tenant& tenant,
                       const std::shared_ptr<MigrationCache>& cache) {
  CommandContext ctx = fleet_ctx;
  ctx.config.url = tenant.url;
  if (!tenant.schema.empty()) {
    ctx.config.schema = tenant.schema;
    if (!ctx.config.schemas.empty()) ctx.config.schemas.front() = tenant.schema;
  }
  ctx.config.tenants.clear();
  ctx.output = OutputFormat::kJson;  // the text line is made from the document
  std::ostringstream out;
  ctx.out = &out;
  ctx.partial_result = nlohmann::json::object();
  ctx.migrations = cache;

  TenantResult result;
  auto start = std::chrono::steady_clock::now();
  auto failed = [&](const Error& e) {
    result.code = e.code();
    result.outcome = FirstLine(e.what());
    result.document = {{"command", command}, {"success", false}, {"error", ErrorJson(e)}};
    for (const auto& [key, value] : ctx.partial_result.items()) result.document[key] = value;
    spdlog::error("{}", e.what());
    if (!e.hint().empty()) spdlog::info("hint: {}", e.hint());
  };
  try {
    result.code = run(ctx);
    try {
      result.document = nlohmann::json::parse(out.str());
    } catch (const nlohmann::json::exception&) {
      result.document = {{"command", command}, {"output", out.str()}};
    }
    if (result.code == ExitCode::kSuccess) {
      result.outcome = Outcome(command, result.document);
    } else {
      result.outcome = Outcome(command, result.document) + " (exit code " +
                       std::to_string(static_cast<int>(result.code)) + ")";
    }
  } catch (const Error& e) {
    failed(e);
  } catch (const std::exception& e) {
    failed(Error(ExitCode::kMigrationFailed, std::string("internal error: ") + e.what()));
  }
  result.status = result.code == ExitCode::kSuccess ? Status::kSucceeded : Status::kFailed;
  result.ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  return result;
}

std::string TenantLine(const Tenant& tenant, const TenantResult& r) {
  return std::string(r.status == Status::kSucceeded ? "ok    " : "FAIL  ") + tenant.Label() + ": " +
         r.outcome;
}

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

void PrintTable(std::ostream& out, const std::vector<Tenant>& tenants,
                const std::vector<TenantResult>& results) {
  size_t width = 6;
  for (const auto& t : tenants) width = std::max(width, t.Label().size());
  out << '\n' << Padded("TENANT", width) << "  " << Padded("RESULT", 11) << "  EXIT  TIME\n";
  for (size_t i = 0; i < tenants.size(); ++i) {
    const TenantResult& r = results[i];
    std::string status = r.status == Status::kSucceeded ? "ok"
                         : r.status == Status::kFailed  ? "failed"
                                                        : "not started";
    std::string code =
        r.status == Status::kNotStarted ? "-" : std::to_string(static_cast<int>(r.code));
    std::string time = r.status == Status::kNotStarted ? "-" : std::to_string(r.ms) + " ms";
    out << Padded(tenants[i].Label(), width) << "  " << Padded(status, 11) << "  "
        << Padded(code, 4) << "  " << time << '\n';
  }
}

ExitCode RunFleet(const CommandContext& ctx, const std::string& command, const CommandRunner& run) {
  std::vector<Tenant> tenants = ReadTenants(ctx.config.tenants);
  std::vector<TenantResult> results(tenants.size());
  auto cache = std::make_shared<MigrationCache>();
  bool text = ctx.output != OutputFormat::kJson;
  std::mutex mutex;  // guards next, stop and the output
  size_t next = 0;
  bool stop = false;
  auto started = std::chrono::steady_clock::now();

  auto worker = [&] {
    DriverThread driver_thread;
    for (;;) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stop || Interrupted() || next == tenants.size()) return;
        i = next++;
      }
      SetThreadLogLabel(tenants[i].Label());
      TenantResult r = RunTenant(ctx, command, run, tenants[i], cache);
      SetThreadLogLabel("");
      std::lock_guard<std::mutex> lock(mutex);
      if (r.status == Status::kFailed && ctx.config.fail_fast) stop = true;
      if (text) *ctx.out << TenantLine(tenants[i], r) << std::endl;
      results[i] = std::move(r);
    }
  };
  size_t count = std::min(tenants.size(), static_cast<size_t>(std::max(1, ctx.config.parallel)));
  spdlog::debug("{} over {} with {} worker(s)", command, Plural(tenants.size(), "tenant"), count);
  std::vector<std::thread> workers;
  for (size_t i = 0; i < count; ++i) workers.emplace_back(worker);
  for (auto& w : workers) w.join();

  ExitCode code = ExitCode::kSuccess;
  size_t succeeded = 0, failed = 0, not_started = 0;
  for (const auto& r : results) {
    if (r.status == Status::kNotStarted) ++not_started;
    if (r.status == Status::kSucceeded) ++succeeded;
    if (r.status == Status::kFailed) ++failed;
    if (r.status != Status::kNotStarted) code = MostSevere(code, r.code);
  }
  if (Interrupted()) code = ExitCode::kInterrupted;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  std::string why_not_started = not_started == 0 ? ""
                                : Interrupted()  ? "interrupted by signal"
                                                 : "fail_fast: an earlier tenant failed";

  if (text) {
    PrintTable(*ctx.out, tenants, results);
    *ctx.out << '\n'
             << Plural(tenants.size(), "tenant") << ": " << succeeded << " succeeded, " << failed
             << " failed, " << not_started << " not started"
             << (why_not_started.empty() ? "" : " (" + why_not_started + ")") << " in " << ms
             << " ms; exit code " << static_cast<int>(code) << '\n';
    return code;
  }
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < tenants.size(); ++i) {
    const TenantResult& r = results[i];
    nlohmann::json entry = {
        {"url", RedactUrl(tenants[i].url)},
        {"schema",
         tenants[i].schema.empty() ? nlohmann::json(nullptr) : nlohmann::json(tenants[i].schema)},
        {"line", tenants[i].line},
        {"status", StatusName(r.status)}};
    if (r.status == Status::kNotStarted) {
      entry["exit_code"] = nullptr;
      entry["reason"] = why_not_started;
    } else {
      entry["exit_code"] = static_cast<int>(r.code);
      entry["time_ms"] = r.ms;
      entry["outcome"] = r.outcome;
      entry["result"] = r.document;
    }
    list.push_back(std::move(entry));
  }
  nlohmann::json doc = {{"command", command},
                        {"success", code == ExitCode::kSuccess},
                        {"tenants", std::move(list)},
                        {"summary",
                         {{"tenants", tenants.size()},
                          {"succeeded", succeeded},
                          {"failed", failed},
                          {"not_started", not_started},
                          {"exit_code", static_cast<int>(code)},
                          {"time_ms", ms}}}};
  *ctx.out << doc.dump(2) << '\n';
  return code;
}

}  // namespace

ExitCode MostSevere(ExitCode a, ExitCode b) {
  if (a == ExitCode::kInterrupted || b == ExitCode::kInterrupted) return ExitCode::kInterrupted;
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

ExitCode RunOverTenants(const CommandContext& ctx, const std::string& command,
                        const CommandRunner& run) {
  if (ctx.config.tenants.empty()) return run(ctx);
  if (command == "clean") {
    throw UsageError("clean is not run over a tenants file: it drops every object of each schema",
                     "clean one database at a time with --url (and clean_enabled)");
  }
  if (command == "exec" || command == "wait") {
    throw UsageError(command + " is not run over a tenants file: it waits for one database" +
                         (command == "exec" ? " and then becomes your command" : ""),
                     "run `flyrun migrate --tenants FILE` before starting the application, or " +
                         command + " with --url per database");
  }
  if (command == "new" || (command == "validate" && ctx.offline)) return run(ctx);
  if (ctx.output == OutputFormat::kGithub || ctx.output == OutputFormat::kSarif) {
    throw UsageError("--output github and sarif report on one database, not a tenants file",
                     "use --output text or json with --tenants, or validate --offline");
  }
  return RunFleet(ctx, command, run);
}

}  // namespace flyrun
