#include "lock/lease_lock.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "core/error.h"
#include "core/interrupt.h"
#include "lock/lease_wait.h"
#include "lock/migration_lock.h"

namespace flyrun {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// The one row of a lock table: the table belongs to one history table.
constexpr const char* kRowName = "migration";

std::string CreateTableSql(const LeasePlan& plan) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + plan.table_sql +
                    " (lock_name VARCHAR(100) NOT NULL PRIMARY KEY, owner_token VARCHAR(64) NOT "
                    "NULL, holder VARCHAR(500) NOT NULL, since VARCHAR(40) NOT NULL, beats BIGINT "
                    "NOT NULL, lease_ms BIGINT NOT NULL)";
  // Galera replicates InnoDB tables only.
  if (plan.dialect == Dialect::kMysql) sql += " ENGINE=InnoDB";
  return sql;
}

std::string InsertSql(const LeasePlan& plan) {
  std::string columns = plan.table_sql +
                        " (lock_name, owner_token, holder, since, beats, lease_ms) "
                        "VALUES (?, ?, ?, ?, 0, ?)";
  switch (plan.dialect) {
    case Dialect::kPostgres:
      return "INSERT INTO " + columns + " ON CONFLICT (lock_name) DO NOTHING";
    case Dialect::kMysql:
      return "INSERT IGNORE INTO " + columns;
    case Dialect::kSqlite:
      return "INSERT OR IGNORE INTO " + columns;
  }
  return {};
}

std::string SelectSql(const LeasePlan& plan) {
  return "SELECT owner_token, holder, since, beats, lease_ms FROM " + plan.table_sql +
         " WHERE lock_name = ?";
}

std::string TakeOverSql(const LeasePlan& plan) {
  return "UPDATE " + plan.table_sql +
         " SET owner_token = ?, holder = ?, since = ?, beats = 0, lease_ms = ? "
         "WHERE lock_name = ? AND owner_token = ? AND beats = ?";
}

std::string BeatSql(const LeasePlan& plan) {
  return "UPDATE " + plan.table_sql +
         " SET beats = beats + 1 WHERE lock_name = ? AND owner_token = ?";
}

std::string DeleteSql(const LeasePlan& plan) {
  return "DELETE FROM " + plan.table_sql + " WHERE lock_name = ? AND owner_token = ?";
}

std::string RandomToken() {
  std::random_device device;
  std::string token;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) token += kHex[device() % 16];
  return token;
}

/// "alice@build-7 pid 4242": who holds the lease, for people.
std::string HolderText() {
  std::string user;
  if (const passwd* pw = getpwuid(geteuid())) user = pw->pw_name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return (user.empty() ? std::string("?") : user) + "@" + host + " pid " + std::to_string(getpid());
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

int64_t ToInt(const std::optional<std::string>& text) {
  try {
    return text ? std::stoll(*text) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

std::optional<LeaseHolder> ParseHolder(const std::vector<LeaseRow>& rows, std::string* owner) {
  if (rows.empty() || rows[0].size() < 5) return std::nullopt;
  const LeaseRow& row = rows[0];
  if (owner) *owner = row[0].value_or("");
  LeaseHolder h;
  h.holder = row[1].value_or("");
  h.since = row[2].value_or("");
  h.beats = ToInt(row[3]);
  h.lease = milliseconds(ToInt(row[4]));
  return h;
}

std::string Describe(const LeaseHolder& h) {
  return ", held by " + h.holder + " since " + h.since + " (lease " + LockDurationText(h.lease) +
         ", heartbeat " + std::to_string(h.beats) + ")";
}

/// Runs `prepare` and creates the table; concurrent creators may collide on
/// the catalog (PostgreSQL's unique violation on pg_type), so a failure is
/// tried again a few times before it counts.
void EnsureTable(LeaseSql& sql, const LeasePlan& plan) {
  std::vector<std::string> statements = plan.prepare ? plan.prepare() : std::vector<std::string>();
  statements.push_back(CreateTableSql(plan));
  for (const std::string& statement : statements) {
    for (int attempt = 0;; ++attempt) {
      try {
        sql.Exec(statement, {});
        break;
      } catch (const LeaseConflict&) {
        if (attempt >= 5) throw Error(ExitCode::kLock, "could not create " + plan.table_sql);
      } catch (const Error& e) {
        if (e.code() == ExitCode::kConnect || attempt >= 2) throw;
      }
      std::this_thread::sleep_for(milliseconds(50 * (attempt + 1)));
    }
  }
}

/// What the guard, its heartbeat and the driver's fence share.
struct LeaseState {
  LeasePlan plan;
  std::string owner;
  milliseconds lease;
  std::atomic<bool> released{false};
  std::atomic<bool> lost{false};
  /// Steady-clock nanoseconds of the last time the database answered the
  /// heartbeat (or the fence): a beat, or a lock wait behind our own fence.
  std::atomic<int64_t> progress_ns{0};
  /// Steady-clock nanoseconds when the beat under way was sent; 0 = none.
  std::atomic<int64_t> beat_since_ns{0};
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::string lost_reason;  ///< under mutex

  void Progress() { progress_ns = Clock::now().time_since_epoch().count(); }
  Clock::duration SinceProgress() const {
    return Clock::now().time_since_epoch() - Clock::duration(progress_ns.load());
  }
  void Lose(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex);
    if (lost) return;
    lost_reason = reason;
    lost = true;
    spdlog::error("the migration lock's lease on {} was lost: {}", plan.place, reason);
  }
  /// Lost when the heartbeat has not reached the database for half the lease:
  /// a waiter takes over only after a whole lease without a beat, on its clock.
  /// A beat still waiting for the database is not counted: on Galera a
  /// schema change blocks every commit of the cluster while it runs, the
  /// heartbeat's included, and the waiters' reads wait for it too (see
  /// TakeLease), so no one takes the lease over meanwhile. A beat that fails
  /// or finds the row taken ends the wait.
  bool CheckLost() {
    if (!lost && beat_since_ns == 0 && SinceProgress() >= lease / 2) {
      Lose("no heartbeat reached the database for " +
           LockDurationText(std::chrono::duration_cast<milliseconds>(SinceProgress())));
    }
    return lost;
  }
  [[noreturn]] void ThrowLost() {
    std::string reason;
    {
      std::lock_guard<std::mutex> lock(mutex);
      reason = lost_reason;
    }
    throw Error(ExitCode::kLock,
                "the migration lock's lease on " + plan.place + " was lost (" + reason +
                    "); flyrun stopped before its next statement",
                "another flyrun may have taken the lock over: run info to see what the history "
                "holds, then run again. A lease needs its heartbeat to reach the database at "
                "least every half lease (lock_lease)");
  }
};

class Fence final : public LeaseFence {
 public:
  explicit Fence(std::shared_ptr<LeaseState> state) : state_(std::move(state)) {}
  void ThrowIfLost() const override {
    if (state_->released) return;
    if (state_->CheckLost()) state_->ThrowLost();
  }
  void Check(LeaseSql& own) const override {
    if (state_->released) return;
    ThrowIfLost();
    int64_t changed = 0;
    try {
      changed = own.Exec(BeatSql(state_->plan), {std::string(kRowName), state_->owner});
    } catch (const LeaseConflict&) {
      changed = 0;
    }
    if (changed != 1) {
      state_->Lose("another flyrun took the lock over");
      state_->ThrowLost();
    }
    state_->Progress();
  }

 private:
  std::shared_ptr<LeaseState> state_;
};

class LeaseGuard final : public LockGuard {
 public:
  LeaseGuard(std::shared_ptr<LeaseState> state, std::unique_ptr<LeaseSql> connection)
      : state_(std::move(state)), connection_(std::move(connection)) {
    state_->Progress();
    heartbeat_ = std::thread([this] { Beat(); });
  }
  ~LeaseGuard() override {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->stop = true;
    }
    state_->wake.notify_all();
    heartbeat_.join();
    state_->released = true;
    if (state_->lost) return;  // the row is no longer ours
    try {
      if (!connection_) connection_ = state_->plan.open();
      connection_->Exec(DeleteSql(state_->plan), {std::string(kRowName), state_->owner});
    } catch (...) {
      spdlog::warn(
          "could not give back the migration lock's lease on {}; another flyrun takes "
          "it over once the lease ({}) has passed",
          state_->plan.place, LockDurationText(state_->lease));
    }
  }

 private:
  void Beat() {
    auto interval = std::max(state_->lease / 5, milliseconds(20));
    std::unique_lock<std::mutex> lock(state_->mutex);
    for (;;) {
      if (state_->wake.wait_for(lock, interval, [&] { return state_->stop; })) return;
      lock.unlock();
      try {
        if (!connection_) connection_ = state_->plan.open();
        state_->beat_since_ns = Clock::now().time_since_epoch().count();
        struct InFlight {
          std::atomic<int64_t>& since;
          ~InFlight() { since = 0; }
        } in_flight{state_->beat_since_ns};
        int64_t changed =
            connection_->Exec(BeatSql(state_->plan), {std::string(kRowName), state_->owner});
        if (changed == 1) {
          state_->Progress();
        } else {
          state_->Lose("another flyrun took the lock over");
        }
      } catch (const LeaseConflict&) {
        // The row is locked by a transaction: our own history write (the
        // fence), or a waiter's takeover, which then fails on the fence.
        state_->Progress();
      } catch (const std::exception& e) {
        spdlog::debug("lease heartbeat on {}: {}", state_->plan.place, e.what());
        connection_.reset();  // reconnect at the next beat
      }
      bool lost = state_->CheckLost();
      lock.lock();
      if (lost) return;
    }
  }

  std::shared_ptr<LeaseState> state_;
  std::unique_ptr<LeaseSql> connection_;  ///< the heartbeat's; used by its thread only
  std::thread heartbeat_;
};

}  // namespace

std::string LeaseTableName(const std::string& history_table) { return history_table + "_lock"; }

std::optional<LeaseHolder> ReadLeaseHolder(LeaseSql& sql, const LeasePlan& plan) {
  return ParseHolder(sql.Query(SelectSql(plan), {std::string(kRowName)}), nullptr);
}

std::unique_ptr<LockGuard> TakeLease(const LeasePlan& plan, milliseconds lease,
                                     Clock::time_point deadline, milliseconds timeout) {
  std::unique_ptr<LeaseSql> sql = plan.open();
  auto state = std::make_shared<LeaseState>();
  state->plan = plan;
  state->owner = RandomToken();
  state->lease = lease;
  const std::string holder = HolderText();
  const std::string name = kRowName;

  struct Seen {
    std::string owner;
    int64_t beats;
    Clock::time_point at;
  };
  std::optional<Seen> seen;
  std::optional<LeaseHolder> current;
  bool announced = false;
  bool table_seen = false;
  auto pause = std::clamp(lease / 10, milliseconds(20), milliseconds(250));
  for (;;) {
    ThrowIfInterrupted();
    bool taken = false;
    try {
      // Waiters only read while the row is held: on Galera every write,
      // a no-op INSERT IGNORE and a CREATE TABLE IF NOT EXISTS included,
      // can abort the holder's history transaction on another node.
      std::string owner;
      auto asked = Clock::now();
      try {
        current = ParseHolder(sql->Query(SelectSql(plan), {name}), &owner);
        table_seen = true;
      } catch (const Error& e) {
        if (table_seen || e.code() == ExitCode::kConnect) throw;
        EnsureTable(*sql, plan);  // no lock table yet
        table_seen = true;
        continue;
      }
      auto now = Clock::now();
      // A read that had to wait (on Galera, for a schema change that holds
      // up every commit of the cluster, the holder's beats included) says
      // nothing about the holder: the clock starts again after it.
      bool waited =
          now - asked > std::max(current ? current->lease / 4 : lease / 4, milliseconds(100));
      if (!current) {
        taken =
            sql->Exec(InsertSql(plan), {name, state->owner, holder, UtcNow(), lease.count()}) == 1;
      } else if (!seen || waited || seen->owner != owner || seen->beats != current->beats) {
        seen = Seen{owner, current->beats, now};
      } else if (now - seen->at >= current->lease) {
        taken = sql->Exec(TakeOverSql(plan), {state->owner, holder, UtcNow(), lease.count(), name,
                                              owner, current->beats}) == 1;
        if (taken) {
          spdlog::warn(
              "took over the migration lock on {} from {} (since {}): its heartbeat "
              "had not moved for {}",
              plan.place, current->holder, current->since, LockDurationText(current->lease));
        }
      }
    } catch (const LeaseConflict&) {
      // Another flyrun wrote the row at the same moment: look again.
    }
    if (taken) {
      auto guard = std::make_unique<LeaseGuard>(state, std::move(sql));
      ThrowIfInterrupted();  // the guard gives the row back
      if (plan.install_fence) plan.install_fence(std::make_shared<Fence>(state));
      return guard;
    }
    if (Clock::now() >= deadline) {
      throw Error(ExitCode::kLock,
                  "could not take the migration lock (lease row in " + plan.table_sql + ") on " +
                      plan.place + " within " + LockDurationText(timeout) +
                      (current ? Describe(*current) : std::string()),
                  "another flyrun is migrating this database; wait for it or raise "
                  "lock_timeout. A holder that died is taken over once its heartbeat has not "
                  "moved for its lease");
    }
    if (!announced && current) {
      announced = true;
      spdlog::info("waiting up to {} for the migration lock on {}{}", LockDurationText(timeout),
                   plan.place, Describe(*current));
    }
    PauseInterruptibly(std::min<Clock::duration>(pause, deadline - Clock::now()));
  }
}

}  // namespace flyrun
