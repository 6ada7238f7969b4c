#include "tools/pando-ctl/probe.hpp"

#include "tools/pando-ctl/format.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pando::ctl {

namespace {

using addr_list = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

/// Returns `strerror(code)` starting in lower case ("connection refused").
std::string error_text(int code) {
  std::string out = std::strerror(code);
  if (!out.empty())
    out[0]
      = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

/// Returns 0 when a non-blocking connect of `fd` to `a` completes within
/// `timeout_ms`, ETIMEDOUT when it does not, else the connect error.
int try_connect(int fd, const addrinfo& a, int timeout_ms) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  if (::connect(fd, a.ai_addr, a.ai_addrlen) == 0)
    return 0;
  if (errno != EINPROGRESS)
    return errno;
  pollfd p{fd, POLLOUT, 0};
  auto n = ::poll(&p, 1, timeout_ms);
  if (n == 0)
    return ETIMEDOUT;
  if (n < 0)
    return errno;
  int err = 0;
  socklen_t len = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err;
}

} // namespace

std::string connect_problem(const std::string& host, std::uint16_t port,
                            double timeout_s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto port_text = std::to_string(port);
  if (auto rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &found);
      rc != 0)
    return "cannot resolve host '" + host + "' (" + gai_strerror(rc) + ")";
  addr_list addrs{found, &freeaddrinfo};
  auto timeout_ms = static_cast<int>(std::ceil(timeout_s * 1000));
  int err = 0;
  for (auto* a = addrs.get(); a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    err = try_connect(fd, *a, timeout_ms);
    ::close(fd);
    if (err == 0)
      return "connection failed (a retry succeeded; the node may be "
             "restarting)";
  }
  if (err == ETIMEDOUT)
    return "no connection within " + format_seconds(timeout_s);
  return error_text(err);
}

} // namespace pando::ctl
