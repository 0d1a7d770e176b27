#include "services/candord/health_http.h"

#include <utility>

#include "services/common/http_listener.h"
#include "services/common/status_macros.h"

namespace candor {

class HealthHttpServer::Impl {
 public:
  explicit Impl(std::function<bool()> ready) : ready_(std::move(ready)) {}

  absl::Status Start(const std::string& listen) {
    // Probes are tiny and few: two workers, short timeouts.
    server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
    server_.set_read_timeout(2, 0);
    server_.set_write_timeout(2, 0);
    server_.set_payload_max_length(64);
    server_.Get("/livez", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("alive\n", "text/plain");
    });
    server_.Get("/readyz",
                [this](const httplib::Request&, httplib::Response& res) {
                  if (ready_()) {
                    res.set_content("ready\n", "text/plain");
                  } else {
                    res.status = 503;
                    res.set_content(
                        "not ready: a database is unreachable or indexes are "
                        "warming\n",
                        "text/plain");
                  }
                });
    CANDOR_ASSIGN_OR_RETURN(
        listener_, HttpListener::Start(&server_, "health_listen", listen));
    return absl::OkStatus();
  }

  int port() const { return listener_->port(); }

 private:
  const std::function<bool()> ready_;
  httplib::Server server_;
  std::unique_ptr<HttpListener> listener_;  // declared after server_
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
