#pragma once

#include <netinet/in.h>

#include <atomic>
#include <string>
#include <thread>

namespace flyrun::test {

/// A TCP port on 127.0.0.1 that refuses connections until Start(), then
/// forwards every connection byte for byte to another host and port: a
/// database that "comes up later" for connect-retry tests.
///
/// The constructor binds the port without listening, so it stays reserved
/// (no other process can take it) while connections to it are refused.
/// Stop() (or the destructor) stops the forwarding thread and closes every
/// socket; it never throws.
class TcpForwarder {
 public:
  TcpForwarder();
  ~TcpForwarder();
  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;

  /// The reserved port.
  int port() const { return port_; }
  /// Starts listening and forwarding to `host` (an IPv4 address) and `port`.
  /// Throws std::runtime_error when it cannot.
  void Start(const std::string& host, int port);
  /// Stops forwarding and closes every connection. Idempotent.
  void Stop() noexcept;
  /// Cuts every forwarded connection but the first `keep` (in the order they
  /// were accepted) and refuses new ones from then on: a network that fails
  /// for some connections of a process and not for others.
  void CutAllBut(int keep);
  /// How many connections were accepted and forwarded.
  int connections() const { return connections_.load(); }

 private:
  void Loop();

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // on wake_[1]: 0 tells Loop() to stop, 1 to apply keep_
  int port_ = 0;
  sockaddr_in target_{};
  std::atomic<int> connections_{0};
  std::atomic<int> keep_{-1};  ///< >= 0 after CutAllBut
  std::thread thread_;
};

}  // namespace flyrun::test
