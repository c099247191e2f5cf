#include "server/Systemd.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace yst::systemd {

bool notify(std::string_view state) {
  const char* variable = std::getenv("NOTIFY_SOCKET");
  if (variable == nullptr || *variable == '\0') return true;
  const std::string_view path(variable);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // A path, or '@' for a name in the abstract namespace, as sd_notify(3) accepts.
  if ((path.front() != '/' && path.front() != '@') || path.size() >= sizeof(address.sun_path)) {
    errno = EINVAL;
    return false;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (path.front() == '@') {
    // An abstract name is exactly its bytes after a leading NUL, with no terminator.
    address.sun_path[0] = '\0';
  } else {
    ++length;
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address), length);
  const int send_error = errno;  // for the caller's message, whatever close() does
  ::close(fd);
  errno = send_error;
  return sent == static_cast<ssize_t>(state.size());
}

bool stderr_is_journal() {
  const char* variable = std::getenv("JOURNAL_STREAM");
  if (variable == nullptr) return false;
  const std::string_view value(variable);
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0, inode = 0;
  const auto d = std::from_chars(value.data(), value.data() + colon, device);
  const auto i = std::from_chars(value.data() + colon + 1, value.data() + value.size(), inode);
  if (d.ec != std::errc{} || d.ptr != value.data() + colon || i.ec != std::errc{} ||
      i.ptr != value.data() + value.size())
    return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

}  // namespace yst::systemd
