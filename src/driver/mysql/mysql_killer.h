#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "driver/mysql/mysql_url.h"

namespace flyrun {

/// Cancels the statement running on one connection when SIGINT/SIGTERM
/// arrives: MySQL has no cancel request in its protocol, so a watcher thread
/// polls Interrupted() every 50 ms while a statement runs and then sends
/// `KILL QUERY <connection id>` over a second connection to the same target.
///
/// The thread is started by the first Watch and sleeps on a condition
/// variable while no statement runs: a statement costs an uncontended mutex
/// (and a notify when the thread was idle), no thread and no round trip. The end of a Watch waits
/// for a KILL in flight, so a KILL never reaches a later statement of the connection.
class MysqlQueryKiller {
 public:
  /// `connection_id`: CONNECTION_ID() of the connection whose statements are
  /// watched. The password in `target` is used to connect, never shown.
  MysqlQueryKiller(MysqlTarget target, unsigned long long connection_id);
  /// Stops and joins the thread; never throws.
  ~MysqlQueryKiller();
  MysqlQueryKiller(const MysqlQueryKiller&) = delete;
  MysqlQueryKiller& operator=(const MysqlQueryKiller&) = delete;

  /// Marks one statement as running for its lifetime (not nested, one thread).
  class Watch {
   public:
    explicit Watch(MysqlQueryKiller& killer);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    /// Ends the watch: true when KILL QUERY was sent while the statement ran.
    bool End();

   private:
    MysqlQueryKiller& killer_;
    bool ended_ = false;
  };

 private:
  void Loop();
  void Kill();

  MysqlTarget target_;
  unsigned long long connection_id_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;                             ///< a statement runs
  bool killed_ = false;                              ///< KILL QUERY sent for the running statement
  std::chrono::steady_clock::time_point killed_at_;  ///< when it was last sent
  bool stop_ = false;
  bool idle_ = false;   ///< the thread waits for a statement to start
  std::thread thread_;  ///< started by the first Watch
};

}  // namespace flyrun
