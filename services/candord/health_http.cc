#include "services/candord/health_http.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/host_port.h"
#include "services/common/status_macros.h"

// Debian's cpp-httplib is built with these; see services/engagement's
// CMakeLists.txt (candor_httplib).
#include <httplib.h>

namespace candor {

class HealthHttpServer::Impl {
 public:
  explicit Impl(std::function<bool()> ready) : ready_(std::move(ready)) {}

  ~Impl() {
    if (!thread_.joinable()) return;
    // stop() has no effect until the accept loop runs; repeat until it ends.
    while (!done_) {
      server_.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    thread_.join();
  }

  absl::Status Start(const std::string& listen) {
    CANDOR_ASSIGN_OR_RETURN(const HostPort address,
                            ParseHostPort("health_listen", listen));
    // Probes are tiny and few: two workers, short timeouts.
    server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
    server_.set_read_timeout(2, 0);
    server_.set_write_timeout(2, 0);
    server_.set_payload_max_length(64);
    server_.Get("/livez", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("alive\n", "text/plain");
    });
    server_.Get(
        "/readyz", [this](const httplib::Request&, httplib::Response& res) {
          if (ready_()) {
            res.set_content("ready\n", "text/plain");
          } else {
            res.status = 503;
            res.set_content(
                "not ready: a database is unreachable or indexes are warming\n",
                "text/plain");
          }
        });
    if (address.port == 0) {
      port_ = server_.bind_to_any_port(address.host);
    } else if (server_.bind_to_port(address.host, address.port)) {
      port_ = address.port;
    }
    if (port_ <= 0) {
      return absl::UnavailableError(
          absl::StrCat("health_listen: cannot listen on ", listen));
    }
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      done_ = true;
    });
    return absl::OkStatus();
  }

  int port() const { return port_; }

 private:
  const std::function<bool()> ready_;
  httplib::Server server_;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

absl::StatusOr<std::unique_ptr<HealthHttpServer>> HealthHttpServer::Start(
    const std::string& listen, std::function<bool()> ready) {
  auto impl = std::make_unique<Impl>(std::move(ready));
  CANDOR_RETURN_IF_ERROR(impl->Start(listen));
  return std::unique_ptr<HealthHttpServer>(
      new HealthHttpServer(std::move(impl)));
}

HealthHttpServer::HealthHttpServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

HealthHttpServer::~HealthHttpServer() = default;

int HealthHttpServer::port() const { return impl_->port(); }

}  // namespace candor
