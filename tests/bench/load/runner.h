// The load loop of candor_load: a set of separate gRPC connections, the
// Scenario interface that issues calls on them, and the Runner that keeps
// calls in flight (closed loop) or sends them on a fixed schedule (open
// loop) and records what came back.
//
// Every call is asynchronous (gRPC's callback API), so a handful of gRPC
// threads carry any number of calls in flight; completions arrive on those
// threads. Runner::Run blocks its caller; a Runner is used once.
#ifndef CANDOR_TESTS_BENCH_LOAD_RUNNER_H_
#define CANDOR_TESTS_BENCH_LOAD_RUNNER_H_

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/bench/load/stats.h"

namespace candor::load {

using Clock = std::chrono::steady_clock;

// One connection: channels are created with distinct arguments and a local
// subchannel pool, so each really is its own TCP connection and HTTP/2
// session, as separate clients would be.
struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

// Opens `count` connections to `address` and waits up to `timeout` for each
// to be ready; UNAVAILABLE naming the address when one is not.
absl::Status OpenConnections(const std::string& address, int count,
                             absl::Duration timeout,
                             std::vector<Connection>& out);

// A message serialized once, before the timed phase, and sent as is.
grpc::ByteBuffer Serialize(const google::protobuf::Message& message);
// Parses a response; false when it is malformed.
bool Parse(const grpc::ByteBuffer& buffer, google::protobuf::Message& message);

class Runner;
struct RunResult;

// One call the runner started; the scenario calls Finish exactly once.
class Completion {
 public:
  // The per-call deadline to set on the call's ClientContext.
  std::chrono::system_clock::time_point deadline() const { return deadline_; }
  // Whether the call counts (it started inside the measured window).
  bool measured() const { return measured_; }
  // Records the outcome. `method` indexes Scenario::MethodNames(); `units`
  // is scenario-defined work the call did (events acknowledged, ...).
  // Deletes this Completion.
  void Finish(const grpc::Status& status, int method = 0, int64_t units = 0);

 private:
  friend class Runner;
  Runner* runner_ = nullptr;
  Clock::time_point start_;
  std::chrono::system_clock::time_point deadline_;
  bool measured_ = false;
};

// What a scenario does per call. Start and every callback it causes run on
// the runner's thread or on gRPC threads, concurrently: keep them short and
// thread-safe, with all expensive preparation done before the run.
class Scenario {
 public:
  virtual ~Scenario() = default;
  // Names of the methods whose outcomes are reported separately; a scenario
  // of one method has one name.
  virtual std::vector<std::string> MethodNames() const = 0;
  // Starts one call on `connection`; `done->Finish` is called when it ends.
  virtual void Start(Connection& connection, Completion* done) = 0;
  // True when the scenario can start no more calls (it ran out of prepared
  // one-shot work); the runner stops launching.
  virtual bool Exhausted() const { return false; }
  // Adds the scenario's own fields (events_per_s, outcome counts, ...) to
  // the report, after the run.
  virtual void WriteFields(const RunResult& /*result*/,
                           JsonWriter& /*out*/) const {}
};

// Issues one unary call of `method` ("/package.Service/Method") with a
// serialized request (copying a ByteBuffer only takes a reference to its
// bytes) and the `authorization` header value; when it ends, `on_response`
// (may be empty) sees an OK response and returns the units to record, then
// `done` is finished with `method_index`.
using ResponseHook =
    std::function<int64_t(const grpc::ByteBuffer& response, bool measured)>;
void CallUnary(Connection& connection, const std::string& method,
               grpc::ByteBuffer request, const std::string& authorization,
               int method_index, ResponseHook on_response, Completion* done);

struct RunOptions {
  // Closed loop when rate is 0: `concurrency` calls always in flight.
  // Open loop otherwise: `rate` calls per second on a fixed schedule, at
  // most `max_in_flight` in flight (the rest are dropped and counted).
  int concurrency = 16;
  double rate = 0;
  int max_in_flight = 1000;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  absl::Duration deadline = absl::Seconds(5);
};

struct RunResult {
  std::vector<PhaseStats> by_method;  // as Scenario::MethodNames()
  PhaseStats total;
  int64_t dropped = 0;  // open loop: scheduled calls not sent (in flight cap)
  double seconds = 0;   // the measured window
  bool exhausted = false;
  int still_in_flight = 0;  // calls not ended when the report was taken
};

class Runner {
 public:
  Runner(std::vector<Connection>& connections, Scenario& scenario,
         RunOptions options);
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;
  // Waits for calls still in flight (each ends by its deadline).
  ~Runner();

  RunResult Run();

 private:
  friend class Completion;

  void Launch(Clock::time_point scheduled);
  void OnFinish(Completion* completion, const grpc::Status& status, int method,
                int64_t units);
  void RunOpenLoop();

  std::vector<Connection>& connections_;
  Scenario& scenario_;
  const RunOptions options_;
  const size_t method_count_;
  Clock::time_point measure_start_;
  Clock::time_point measure_end_;
  std::atomic<uint64_t> next_connection_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};

  absl::Mutex mu_;
  // State below is protected by mu_.
  std::vector<PhaseStats> stats_ ABSL_GUARDED_BY(mu_);
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_RUNNER_H_
