// Prometheus metrics: calls are counted by method and code with their
// latency, batched writes report their size, pools and executors report
// their state at scrape time, and GET /metrics serves all of it.
#include <httplib.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/metrics.h"
#include "tests/support/e2e.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kGetStaffMember[] =
    "/candor.staff.v1.StaffService/GetStaffMember";

// The value of the sample whose name and labels are exactly `series`
// (e.g. `candor_rpc_calls_total{code="OK",method="..."}`); -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  const std::string prefix = series + " ";
  for (size_t at = text.find(prefix); at != std::string::npos;
       at = text.find(prefix, at + 1)) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::stod(text.substr(at + prefix.size()));
    }
  }
  return -1;
}

TEST(MetricsTest, CountsCallsByMethodAndCodeWithLatency) {
  TestServer& server = TestServer::Get();
  const TestServer::Organization org = server.CreateOrganization("metrics");
  auto stub = server.StaffStub();
  const std::string before = server.MetricsText();
  const double ok_before = std::max(
      0.0, Sample(before,
                  absl::StrCat("candor_rpc_calls_total{code=\"OK\",method=\"",
                               kGetStaffMember, "\"}")));

  for (int i = 0; i < 3; ++i) {
    staffpb::GetStaffMemberRequest request;
    request.set_name(org.admin_name);
    staffpb::StaffMember member;
    ASSERT_TRUE(stub->GetStaffMember(TestServer::Context(org.admin_token).get(),
                                     request, &member)
                    .ok());
  }
  staffpb::GetStaffMemberRequest missing;
  missing.set_name(org.name + "/staffMembers/nobody");
  staffpb::StaffMember unused;
  EXPECT_EQ(stub->GetStaffMember(TestServer::Context(org.admin_token).get(),
                                 missing, &unused)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  const std::string text = server.MetricsText();
  EXPECT_EQ(
      Sample(text, absl::StrCat("candor_rpc_calls_total{code=\"OK\",method=\"",
                                kGetStaffMember, "\"}")),
      ok_before + 3);
  EXPECT_GE(
      Sample(text,
             absl::StrCat("candor_rpc_calls_total{code=\"NOT_FOUND\",method=\"",
                          kGetStaffMember, "\"}")),
      1);
  EXPECT_GE(
      Sample(text, absl::StrCat("candor_rpc_latency_seconds_count{method=\"",
                                kGetStaffMember, "\"}")),
      ok_before + 4);
  // Every finished call lands in the +Inf bucket.
  EXPECT_EQ(
      Sample(text, absl::StrCat("candor_rpc_latency_seconds_bucket{method=\"",
                                kGetStaffMember, "\",le=\"+Inf\"}")),
      Sample(text, absl::StrCat("candor_rpc_latency_seconds_count{method=\"",
                                kGetStaffMember, "\"}")));
  // Pools and executors of every service, sampled now.
  for (const char* service :
       {"staff", "values", "transparency", "advocacy", "engagement"}) {
    SCOPED_TRACE(service);
    EXPECT_GE(Sample(text, absl::StrCat("candor_db_pool_connections{service=\"",
                                        service, "\",state=\"idle\"}")),
              0);
    EXPECT_EQ(Sample(text, absl::StrCat("candor_db_pool_waiting{service=\"",
                                        service, "\"}")),
              0);
    EXPECT_EQ(
        Sample(text, absl::StrCat("candor_executor_queue_depth{service=\"",
                                  service, "\"}")),
        0);
    EXPECT_GT(Sample(text, absl::StrCat("candor_executor_threads{service=\"",
                                        service, "\"}")),
              0);
  }
  EXPECT_GE(
      Sample(text, "candor_db_pool_wait_seconds_count{service=\"staff\"}"), 4);
}

TEST(MetricsTest, BatchedWritesReportTheirSize) {
  TestServer& server = TestServer::Get();
  const TestServer::Organization org =
      server.CreateOrganization("metrics-batch");
  auto stub = server.StaffStub();
  staffpb::ImportStaffMembersResponse response;
  auto context = TestServer::Context(org.admin_token);
  auto writer = stub->ImportStaffMembers(context.get(), &response);
  staffpb::ImportStaffMembersRequest message;
  message.set_parent(org.name);
  for (int i = 0; i < 7; ++i) {
    auto* row = message.add_rows();
    row->set_employee_id(absl::StrCat("B", i));
    row->set_display_name(absl::StrCat("Batch ", i));
    row->set_email(absl::StrCat("batch", i, "@example.com"));
    row->set_department("Sales");
  }
  ASSERT_TRUE(writer->Write(message));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());

  const std::string text = server.MetricsText();
  const std::string method = "/candor.staff.v1.StaffService/ImportStaffMembers";
  EXPECT_GE(Sample(text, absl::StrCat("candor_batch_size_count{method=\"",
                                      method, "\"}")),
            1);
  EXPECT_GE(Sample(text, absl::StrCat("candor_batch_size_sum{method=\"", method,
                                      "\"}")),
            7);
}

TEST(MetricsTest, ServesTheTextFormatOverHttp) {
  Metrics metrics;
  metrics.RecordCall("/x.v1.S/M", absl::StatusCode::kOk, absl::Milliseconds(3));
  const int port = PickFreePort();
  ASSERT_TRUE(metrics.Serve(absl::StrCat("127.0.0.1:", port)).ok());

  httplib::Client client("127.0.0.1", port);
  httplib::Result result = client.Get("/metrics");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body,
              HasSubstr("# TYPE candor_rpc_latency_seconds histogram"));
  EXPECT_EQ(Sample(result->body,
                   "candor_rpc_calls_total{code=\"OK\",method=\"/x.v1.S/M\"}"),
            1);
  // 3 ms falls in the 5 ms bucket, not the 2.5 ms one.
  EXPECT_EQ(Sample(result->body,
                   "candor_rpc_latency_seconds_bucket{method=\"/x.v1.S/"
                   "M\",le=\"0.0025\"}"),
            0);
  EXPECT_EQ(Sample(result->body,
                   "candor_rpc_latency_seconds_bucket{method=\"/x.v1.S/"
                   "M\",le=\"0.005\"}"),
            1);

  // A second server on the same port cannot start: a clear error, no crash.
  Metrics other;
  absl::Status taken = other.Serve(absl::StrCat("127.0.0.1:", port));
  EXPECT_EQ(taken.code(), absl::StatusCode::kInvalidArgument) << taken;
  EXPECT_THAT(std::string(taken.message()), HasSubstr("metrics_listen"));
}

}  // namespace
}  // namespace candor::testing
