// Liveness and readiness (services/candord/health_http.h): a replica is
// alive from start to shutdown whatever its database does, and ready only
// while every hosted service reaches its database and is warm. Checked
// over gRPC health and over the HTTP endpoints a load balancer probes.
#include <httplib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The HTTP status of GET `path` on the host's health port (-1: no answer).
int HttpStatus(TestHost& replica, const std::string& path) {
  httplib::Client client("127.0.0.1", replica.host().health_port());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  httplib::Result result = client.Get(path.c_str());
  return result ? result->status : -1;
}

// What `candorctl health --service SERVICE` prints about the replica
// ("SERVING", "NOT_SERVING", ...): gRPC health, as probes and people ask it.
std::string GrpcHealth(TestHost& replica, const std::string& service) {
  const CommandResult result =
      RunCandorctl({"--addr", absl::StrCat("127.0.0.1:", replica.host().port()),
                    "--timeout", "2s", "health", "--service", service});
  return result.out + result.err;
}

void ServeHealth(HostOptions& options) {
  options.health_listen = "127.0.0.1:0";
}

TEST(HealthTest, AReplicaWithItsDatabaseIsAliveAndReady) {
  TestHost replica({"staff", "transparency"}, ServeHealth);
  // Readiness waits for transparency's warm-up, which runs on its own
  // thread; RefreshHealth is what candord calls every second.
  for (int i = 0; i < 100 && HttpStatus(replica, "/readyz") != 200; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    replica.host().RefreshHealth();
  }
  EXPECT_EQ(HttpStatus(replica, "/readyz"), 200);
  EXPECT_EQ(HttpStatus(replica, "/livez"), 200);
  EXPECT_THAT(GrpcHealth(replica, ""), HasSubstr("SERVING"));
  EXPECT_THAT(GrpcHealth(replica, ""), Not(HasSubstr("NOT_SERVING")));
  EXPECT_THAT(GrpcHealth(replica, "liveness"), Not(HasSubstr("NOT_SERVING")));
  EXPECT_EQ(HttpStatus(replica, "/other"), 404);
}

// A database that does not answer makes the replica unready (send it no
// work) but not dead (do not restart it: that would not bring the
// database back).
TEST(HealthTest, WithoutItsDatabaseAReplicaIsAliveButNotReady) {
  TestHost replica({"staff", "transparency"}, [](HostOptions& options) {
    ServeHealth(options);
    options.database.unix_socket = "/nonexistent/mysqld.sock";
    options.database.connect_timeout = absl::Milliseconds(200);
  });
  replica.host().RefreshHealth();
  EXPECT_EQ(HttpStatus(replica, "/readyz"), 503);
  EXPECT_EQ(HttpStatus(replica, "/livez"), 200);
  EXPECT_THAT(GrpcHealth(replica, ""), HasSubstr("NOT_SERVING"));
  EXPECT_THAT(GrpcHealth(replica, "candor.transparency.v1.TransparencyService"),
              HasSubstr("NOT_SERVING"));
  const std::string liveness = GrpcHealth(replica, "liveness");
  EXPECT_THAT(liveness, HasSubstr("SERVING"));
  EXPECT_THAT(liveness, Not(HasSubstr("NOT_SERVING")));
}

}  // namespace
}  // namespace candor::testing
