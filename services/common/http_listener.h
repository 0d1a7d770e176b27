// Serves a cpp-httplib server (Candor's small plain-HTTP endpoints:
// tracking links, health) on a "host:port" a flag gives, on a thread of its
// own, until stopped.
#ifndef CANDOR_SERVICES_COMMON_HTTP_LISTENER_H_
#define CANDOR_SERVICES_COMMON_HTTP_LISTENER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Debian's cpp-httplib is a compiled library; its header must see the
// feature macros it was built with (candor_httplib in
// services/common/CMakeLists.txt).
#include <httplib.h>

namespace candor {

class HttpListener {
 public:
  // Binds `server` (routes already set; it must outlive the listener) to
  // `listen` ("host:port"; port 0 picks one) and serves it. `flag` names
  // the address in errors: INVALID_ARGUMENT when it is not host:port,
  // UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      httplib::Server* server, absl::string_view flag,
      const std::string& listen);
  // Stops serving.
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Waits for the requests being answered, and stops accepting.
  void Stop();
  int port() const { return port_; }

 private:
  HttpListener(httplib::Server* server, int port);

  httplib::Server* const server_;
  const int port_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_HTTP_LISTENER_H_
