#include "tests/bench/load/runner.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace candor::load {

absl::Status OpenConnections(const std::string& address, int count,
                             absl::Duration timeout,
                             std::vector<Connection>& out) {
  out.clear();
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without these, channels with equal arguments share one subchannel
    // (one TCP connection), and --channels would change nothing.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("candor_load.channel_index", i);
    args.SetMaxReceiveMessageSize(64 << 20);
    Connection connection;
    connection.channel = grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args);
    if (!connection.channel->WaitForConnected(
            std::chrono::system_clock::now() +
            absl::ToChronoMilliseconds(timeout))) {
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to candord at ", address, " within ",
          absl::FormatDuration(timeout), " (is it running? see --addr)"));
    }
    connection.stub = std::make_unique<grpc::GenericStub>(connection.channel);
    out.push_back(std::move(connection));
  }
  return absl::OkStatus();
}

grpc::ByteBuffer Serialize(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, google::protobuf::Message& message) {
  grpc::Slice slice;
  if (!buffer.TrySingleSlice(&slice).ok() &&
      !buffer.DumpToSingleSlice(&slice).ok()) {
    return false;
  }
  return message.ParseFromArray(slice.begin(), static_cast<int>(slice.size()));
}

void Completion::Finish(const grpc::Status& status, int method, int64_t units) {
  runner_->OnFinish(this, status, method, units);
}

namespace {

// Holds what a callback unary call needs until it completes.
struct PendingUnary {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  ResponseHook on_response;
};

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

}  // namespace

void CallUnary(Connection& connection, const std::string& method,
               grpc::ByteBuffer request, const std::string& authorization,
               int method_index, ResponseHook on_response, Completion* done) {
  auto* call = new PendingUnary;
  call->request = std::move(request);
  call->on_response = std::move(on_response);
  call->context.set_deadline(done->deadline());
  if (!authorization.empty()) {
    call->context.AddMetadata("authorization", authorization);
  }
  connection.stub->UnaryCall(
      &call->context, method, grpc::StubOptions(), &call->request,
      &call->response, [call, done, method_index](grpc::Status status) {
        int64_t units = 0;
        if (status.ok() && call->on_response) {
          units = call->on_response(call->response, done->measured());
        }
        delete call;
        done->Finish(status, method_index, units);
      });
}

Runner::Runner(std::vector<Connection>& connections, Scenario& scenario,
               RunOptions options)
    : connections_(connections),
      scenario_(scenario),
      options_(options),
      method_count_(scenario.MethodNames().size()),
      stats_(method_count_) {}

Runner::~Runner() {
  // Completions refer to this runner. gRPC ends every call by its
  // deadline, so this wait ends too.
  while (in_flight_.load(std::memory_order_acquire) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Runner::Launch(Clock::time_point scheduled) {
  auto* completion = new Completion;
  completion->runner_ = this;
  completion->start_ = scheduled;
  completion->measured_ =
      scheduled >= measure_start_ && scheduled < measure_end_;
  completion->deadline_ = std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(options_.deadline);
  Connection& connection =
      connections_[next_connection_.fetch_add(1, std::memory_order_relaxed) %
                   connections_.size()];
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  scenario_.Start(connection, completion);
}

void Runner::OnFinish(Completion* completion, const grpc::Status& status,
                      int method, int64_t units) {
  const Clock::time_point now = Clock::now();
  if (completion->measured_) {
    const int64_t latency_us =
        std::chrono::duration_cast<std::chrono::microseconds>(
            now - completion->start_)
            .count();
    absl::MutexLock lock(&mu_);
    PhaseStats& stats = stats_[static_cast<size_t>(method) < method_count_
                                   ? static_cast<size_t>(method)
                                   : 0];
    if (status.ok()) {
      stats.ok_latency_us.push_back(latency_us);
      stats.units += units;
    } else {
      ++stats.errors[CodeName(status.error_code())];
    }
  }
  delete completion;
  // Closed loop: the finished call's slot starts the next one at once.
  // Starting a call from a completion callback does not block. The next
  // call is counted in flight before this one leaves, so in_flight_ never
  // touches zero while the loop goes on.
  const bool closed = options_.rate <= 0;
  if (closed && !stopping_.load(std::memory_order_relaxed) &&
      !scenario_.Exhausted()) {
    Launch(now);
  }
  in_flight_.fetch_sub(1, std::memory_order_release);
}

void Runner::RunOpenLoop() {
  const auto interval =
      std::chrono::nanoseconds(static_cast<int64_t>(1e9 / options_.rate));
  const Clock::time_point first =
      measure_start_ - absl::ToChronoNanoseconds(options_.warmup);
  for (int64_t i = 0;; ++i) {
    const Clock::time_point scheduled = first + i * interval;
    if (scheduled >= measure_end_ || scenario_.Exhausted()) break;
    // A late scheduler sends at once; the call's latency still runs from
    // its scheduled time, so a stalled server (or client) is charged for
    // the calls it delayed instead of hiding them (coordinated omission).
    std::this_thread::sleep_until(scheduled);
    if (in_flight_.load(std::memory_order_relaxed) >= options_.max_in_flight) {
      if (scheduled >= measure_start_) {
        absl::MutexLock lock(&mu_);
        ++dropped_;
      }
      continue;
    }
    Launch(scheduled);
  }
}

RunResult Runner::Run() {
  const Clock::time_point start = Clock::now();
  measure_start_ = start + absl::ToChronoNanoseconds(options_.warmup);
  measure_end_ = measure_start_ + absl::ToChronoNanoseconds(options_.duration);
  if (options_.rate > 0) {
    RunOpenLoop();
  } else {
    for (int i = 0; i < options_.concurrency && !scenario_.Exhausted(); ++i) {
      Launch(Clock::now());
    }
    std::this_thread::sleep_until(measure_end_);
  }
  stopping_.store(true);
  // Calls that started in the window are awaited (they count); each ends by
  // its deadline, so this wait is bounded.
  const Clock::time_point give_up =
      Clock::now() + absl::ToChronoNanoseconds(options_.deadline) +
      std::chrono::seconds(5);
  while (in_flight_.load(std::memory_order_acquire) > 0 &&
         Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  RunResult result;
  result.exhausted = scenario_.Exhausted();
  result.still_in_flight = in_flight_.load(std::memory_order_acquire);
  {
    absl::MutexLock lock(&mu_);
    result.by_method = stats_;  // a copy: a straggler may still record
    result.dropped = dropped_;
  }
  for (const PhaseStats& stats : result.by_method) result.total.Merge(stats);
  // Closed loop with an exhausted scenario ended early: the window is the
  // same, so throughput is honest about the work that was available.
  result.seconds = absl::ToDoubleSeconds(options_.duration);
  return result;
}

}  // namespace candor::load
