#include "driver/mysql/mysql_killer.h"

#include <spdlog/spdlog.h>

#include <system_error>
#include <utility>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/mysql/mysql_connect.h"

namespace flyrun {
namespace {

constexpr std::chrono::milliseconds kPollInterval{50};
constexpr std::chrono::milliseconds kKillRepeat{500};
// The KILL must come within the seconds a signal is given to end flyrun; a
// server that does not answer by then will not be told.
constexpr std::chrono::milliseconds kKillConnectTimeout{2000};

}  // namespace

MysqlQueryKiller::MysqlQueryKiller(MysqlTarget target, unsigned long long connection_id)
    : target_(std::move(target)), connection_id_(connection_id) {
  target_.connect_timeout = kKillConnectTimeout;
  target_.database.clear();  // KILL needs none, and it may not exist yet
}

MysqlQueryKiller::~MysqlQueryKiller() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

MysqlQueryKiller::Watch::Watch(MysqlQueryKiller& killer) : killer_(killer) {
  {
    std::lock_guard<std::mutex> lock(killer_.mutex_);
    if (!killer_.thread_.joinable()) {
      try {
        killer_.thread_ = std::thread(&MysqlQueryKiller::Loop, &killer_);
      } catch (const std::system_error& e) {
        // Without the watcher a signal is seen between statements only.
        spdlog::debug("cannot start the statement watcher: {}", e.what());
      }
    }
    killer_.running_ = true;
    killer_.killed_ = false;
    // While statements follow each other the watcher keeps polling; only an
    // idle one needs waking, which saves a wake-up per statement.
    if (!killer_.idle_) return;
  }
  killer_.wake_.notify_one();
}

MysqlQueryKiller::Watch::~Watch() { End(); }

bool MysqlQueryKiller::Watch::End() {
  // Taking the mutex waits for a KILL in flight.
  std::lock_guard<std::mutex> lock(killer_.mutex_);
  if (!ended_) {
    ended_ = true;
    killer_.running_ = false;
  }
  return killer_.killed_;
}

void MysqlQueryKiller::Loop() {
  MysqlThreadScope client_thread;  // the KILL connects from this thread
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (!running_) {
      idle_ = true;
      wake_.wait(lock, [this] { return stop_ || running_; });
      idle_ = false;
      continue;
    }
    wake_.wait_for(lock, kPollInterval);
    if (stop_ || !running_ || !Interrupted()) continue;
    // A KILL that reached the server before the statement did is lost, so
    // it is repeated while the statement still runs.
    auto now = std::chrono::steady_clock::now();
    if (killed_ && now - killed_at_ < kKillRepeat) continue;
    // Under the mutex: the statement's end waits for the KILL, so it cannot
    // hit the next statement.
    Kill();
    killed_ = true;
    killed_at_ = now;
  }
}

void MysqlQueryKiller::Kill() {
  try {
    auto session = ConnectMysql(target_, kKillConnectTimeout);
    session->Run("KILL QUERY " + std::to_string(connection_id_));
  } catch (const Error& e) {
    // ConnectMysql's messages name the target without its password.
    spdlog::warn("could not cancel the running statement on the server: {}", e.what());
  } catch (const std::exception& e) {
    spdlog::warn("could not cancel the running statement on the server: {}", e.what());
  }
}

}  // namespace flyrun
