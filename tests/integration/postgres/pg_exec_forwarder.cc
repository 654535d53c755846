#include "pg_exec_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

// Writes all of `data`; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

TcpForwarder::TcpForwarder() {
  listen_fd_ = BindLoopback(port_);
  if (pipe2(wake_, O_CLOEXEC) != 0) {
    close(listen_fd_);
    throw std::runtime_error("pipe failed");
  }
}

TcpForwarder::~TcpForwarder() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

void TcpForwarder::Start(const std::string& host, int port) {
  target_.sin_family = AF_INET;
  target_.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &target_.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + host);
  if (listen(listen_fd_, 64) != 0) throw std::runtime_error("listen failed");
  thread_ = std::thread([this] { Loop(); });
}

void TcpForwarder::Stop() noexcept {
  if (!thread_.joinable()) return;
  char byte = 0;
  while (write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

void TcpForwarder::CutAllBut(int keep) {
  keep_ = keep;
  char byte = 1;
  while (write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
  }
}

void TcpForwarder::Loop() {
  std::vector<std::pair<int, int>> pairs;  // client, server
  std::vector<int> order;                  // accept order of each pair
  auto drop = [&](size_t i) {
    close(pairs[i].first);
    close(pairs[i].second);
    pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
    order.erase(order.begin() + static_cast<std::ptrdiff_t>(i));
  };
  char buf[65536];
  for (;;) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& [client, server] : pairs) {
      fds.push_back({client, POLLIN, 0});
      fds.push_back({server, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) {
      char byte = 0;
      if (read(wake_[0], &byte, 1) != 1 || byte == 0) break;
      for (size_t i = pairs.size(); i-- > 0;) {
        if (order[i] >= keep_) drop(i);
      }
      continue;
    }
    if (fds[1].revents & POLLIN) {
      int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0 && keep_ >= 0) {
        close(client);  // refused: the network is cut
      } else if (client >= 0) {
        int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (server >= 0 &&
            connect(server, reinterpret_cast<const sockaddr*>(&target_), sizeof target_) == 0) {
          pairs.emplace_back(client, server);
          order.push_back(connections_++);
        } else {
          if (server >= 0) close(server);
          close(client);
        }
      }
    }
    // Walk backwards so that dropping a pair keeps the earlier indexes valid.
    for (size_t i = pairs.size(); i-- > 0;) {
      const pollfd& from_client = fds[2 + 2 * i];
      const pollfd& from_server = fds[3 + 2 * i];
      bool alive = true;
      for (const pollfd* p : {&from_client, &from_server}) {
        if (!alive || !(p->revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int to = p == &from_client ? pairs[i].second : pairs[i].first;
        ssize_t n = read(p->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        alive = n > 0 && WriteAll(to, buf, static_cast<size_t>(n));
      }
      if (!alive) drop(i);
    }
  }
  for (size_t i = pairs.size(); i-- > 0;) drop(i);
}

}  // namespace flyrun::test
