// ValuesService over real gRPC against the real database: the behaviour a
// user of the API sees. Admins write values; every staff member reads,
// endorses (once each, counted exactly) and gives feedback, anonymous
// feedback keeping no author anywhere. Each test makes its own organization.
//
// Real server, real gRPC, real MariaDB (tests/support).
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "db/pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "services/common/idempotency.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "tests/support/test_util.h"

namespace candor::testing {
namespace {

using grpc::StatusCode;
using ::testing::IsEmpty;
using StaffMember = staffpb::StaffMember;
using Value = valuespb::Value;

// The id part of a resource name (after the last '/').
std::string IdOf(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

// Thin wrappers over the stub: one call each, with `token`.
class ValuesClient {
 public:
  ValuesClient() : stub_(TestServer::Get().ValuesStub()) {}

  grpc::Status Create(const std::string& token, const std::string& parent,
                      const std::string& title, const std::string& statement,
                      Value* out, const std::string& value_id = "",
                      const std::string& request_id = "") {
    valuespb::CreateValueRequest request;
    request.set_parent(parent);
    request.mutable_value()->set_title(title);
    request.mutable_value()->set_statement(statement);
    request.set_value_id(value_id);
    request.set_request_id(request_id);
    return Send(request, out, token);
  }
  grpc::Status Send(const valuespb::CreateValueRequest& request, Value* out,
                    const std::string& token = "") {
    return stub_->CreateValue(Ctx(token).get(), request, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name,
                   Value* out) {
    valuespb::GetValueRequest request;
    request.set_name(name);
    return stub_->GetValue(Ctx(token).get(), request, out);
  }

  grpc::Status List(const std::string& token, const std::string& parent,
                    const std::string& filter, int page_size,
                    const std::string& page_token,
                    valuespb::ListValuesResponse* out) {
    valuespb::ListValuesRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return stub_->ListValues(Ctx(token).get(), request, out);
  }

  grpc::Status Update(const std::string& token, const Value& value,
                      std::vector<std::string> paths, Value* out) {
    valuespb::UpdateValueRequest request;
    *request.mutable_value() = value;
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    return stub_->UpdateValue(Ctx(token).get(), request, out);
  }

  grpc::Status Revisions(const std::string& token, const std::string& parent,
                         int page_size, const std::string& page_token,
                         valuespb::ListValueRevisionsResponse* out) {
    valuespb::ListValueRevisionsRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return stub_->ListValueRevisions(Ctx(token).get(), request, out);
  }

  grpc::Status Retire(const std::string& token, const std::string& name,
                      Value* out, const std::string& request_id = "") {
    valuespb::RetireValueRequest request;
    request.set_name(name);
    request.set_request_id(request_id);
    return stub_->RetireValue(Ctx(token).get(), request, out);
  }

  grpc::Status Endorse(const std::string& token, const std::string& name,
                       Value* out) {
    valuespb::EndorseValueRequest request;
    request.set_name(name);
    return stub_->EndorseValue(Ctx(token).get(), request, out);
  }

  grpc::Status Unendorse(const std::string& token, const std::string& name,
                         Value* out) {
    valuespb::UnendorseValueRequest request;
    request.set_name(name);
    return stub_->UnendorseValue(Ctx(token).get(), request, out);
  }

  grpc::Status Feedback(const std::string& token, const std::string& parent,
                        const std::string& text, bool anonymous,
                        valuespb::ValueFeedback* out,
                        const std::string& request_id = "") {
    valuespb::CreateValueFeedbackRequest request;
    request.set_parent(parent);
    request.mutable_feedback()->set_text(text);
    request.mutable_feedback()->set_anonymous(anonymous);
    request.set_request_id(request_id);
    return stub_->CreateValueFeedback(Ctx(token).get(), request, out);
  }

  grpc::Status ListFeedback(const std::string& token, const std::string& parent,
                            int page_size, const std::string& page_token,
                            valuespb::ListValueFeedbackResponse* out) {
    valuespb::ListValueFeedbackRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return stub_->ListValueFeedback(Ctx(token).get(), request, out);
  }

  valuespb::ValuesService::Stub& stub() { return *stub_; }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return TestServer::Context(token);
  }

 private:
  std::unique_ptr<valuespb::ValuesService::Stub> stub_;
};

class ValuesIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = server_.CreateOrganization("values");
    ASSERT_FALSE(HasFailure());
    ana_ = server_.CreateStaff(org_, "E1");
    ben_ = server_.CreateStaff(org_, "E2");
    ASSERT_FALSE(HasFailure());
  }

  // Creates a value as the founding admin; fails the test on error.
  Value NewValue(const std::string& title, const std::string& statement = "",
                 const std::string& value_id = "") {
    Value value;
    grpc::Status status =
        client_.Create(org_.admin_token, org_.name, title,
                       statement.empty() ? "We mean " + title + "." : statement,
                       &value, value_id);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return value;
  }

  Value MustGet(const std::string& token, const std::string& name) {
    Value value;
    grpc::Status status = client_.Get(token, name, &value);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return value;
  }

  // Every value matching `filter` as seen by `token`, following page tokens.
  std::vector<Value> ListAll(const std::string& token,
                             const std::string& filter, int page_size) {
    std::vector<Value> all;
    std::string page_token;
    do {
      valuespb::ListValuesResponse page;
      grpc::Status status =
          client_.List(token, org_.name, filter, page_size, page_token, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.values_size(), page_size);
      all.insert(all.end(), page.values().begin(), page.values().end());
      page_token = page.next_page_token();
    } while (!page_token.empty());
    return all;
  }

  std::vector<valuespb::ValueFeedback> AllFeedback(const std::string& token,
                                                   const std::string& value,
                                                   int page_size, int* pages) {
    std::vector<valuespb::ValueFeedback> all;
    std::string page_token;
    *pages = 0;
    do {
      valuespb::ListValueFeedbackResponse page;
      grpc::Status status =
          client_.ListFeedback(token, value, page_size, page_token, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ++*pages;
      EXPECT_LE(page.feedback_size(), page_size);
      all.insert(all.end(), page.feedback().begin(), page.feedback().end());
      page_token = page.next_page_token();
    } while (!page_token.empty());
    return all;
  }

  TestServer& server_ = TestServer::Get();
  ValuesClient client_;
  TestServer::Organization org_;
  StaffMember ana_;
  StaffMember ben_;
};

TEST_F(ValuesIntegrationTest, FullLifecycle) {
  // An admin creates a value; an employee reads it.
  Value created;
  ASSERT_TRUE(client_
                  .Create(org_.admin_token, org_.name, "Candor",
                          "We say what we think,\nkindly.", &created, "candor")
                  .ok());
  EXPECT_EQ(created.name(), org_.name + "/values/candor");
  EXPECT_EQ(created.state(), Value::ACTIVE);
  EXPECT_EQ(created.revision_id(), "1");
  EXPECT_EQ(created.endorsement_count(), 0);
  EXPECT_EQ(created.etag(), "\"1\"");
  EXPECT_GT(created.create_time().seconds(), 0);
  EXPECT_EQ(created.update_time().seconds(), created.create_time().seconds());

  Value seen = MustGet(EmployeeToken(ana_), created.name());
  EXPECT_EQ(seen.title(), "Candor");
  EXPECT_EQ(seen.statement(), "We say what we think,\nkindly.");
  EXPECT_FALSE(seen.endorsed_by_caller());

  // She endorses it and answers it.
  Value endorsed;
  ASSERT_TRUE(
      client_.Endorse(EmployeeToken(ana_), created.name(), &endorsed).ok());
  EXPECT_EQ(endorsed.endorsement_count(), 1);
  EXPECT_TRUE(endorsed.endorsed_by_caller());
  EXPECT_EQ(endorsed.etag(), created.etag()) << "endorsing is no edit";
  valuespb::ValueFeedback feedback;
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), created.name(),
                            "Kindly is doing a lot of work here.", false,
                            &feedback)
                  .ok());
  EXPECT_EQ(feedback.author(), ana_.name());
  EXPECT_EQ(feedback.value_revision_id(), "1");
  EXPECT_EQ(feedback.name(), created.name() + "/feedback/1");

  // The admin rewords it: a new revision; the feedback still answers rev 1.
  Value change;
  change.set_name(created.name());
  change.set_statement("We say what we think, and we listen.");
  change.set_etag(created.etag());
  Value updated;
  ASSERT_TRUE(client_.Update(org_.admin_token, change, {}, &updated).ok());
  EXPECT_EQ(updated.revision_id(), "2");
  EXPECT_EQ(updated.title(), "Candor") << "not in the implied mask";
  EXPECT_EQ(updated.statement(), "We say what we think, and we listen.");
  EXPECT_EQ(updated.etag(), "\"2\"");
  EXPECT_EQ(updated.endorsement_count(), 1);
  EXPECT_GE(updated.update_time().seconds(), created.update_time().seconds());

  valuespb::ListValueFeedbackResponse listed;
  ASSERT_TRUE(
      client_.ListFeedback(org_.admin_token, created.name(), 0, "", &listed)
          .ok());
  ASSERT_EQ(listed.feedback_size(), 1);
  EXPECT_EQ(listed.feedback(0).value_revision_id(), "1");
  EXPECT_EQ(listed.feedback(0).text(), "Kindly is doing a lot of work here.");

  // Retired: still readable, no longer endorsed or updated; listed as such.
  Value retired;
  ASSERT_TRUE(client_.Retire(org_.admin_token, created.name(), &retired).ok());
  EXPECT_EQ(retired.state(), Value::RETIRED);
  EXPECT_EQ(retired.etag(), "\"3\"");
  EXPECT_EQ(MustGet(EmployeeToken(ben_), created.name()).state(),
            Value::RETIRED);
  EXPECT_THAT(ListAll(EmployeeToken(ben_), "state = ACTIVE", 10), IsEmpty());
  std::vector<Value> retired_list =
      ListAll(EmployeeToken(ben_), "state = RETIRED", 10);
  ASSERT_EQ(retired_list.size(), 1u);
  EXPECT_EQ(retired_list[0].name(), created.name());
  EXPECT_FALSE(retired_list[0].endorsed_by_caller()) << "Ben did not endorse";
  EXPECT_TRUE(ListAll(EmployeeToken(ana_), "", 10)[0].endorsed_by_caller());
}

TEST_F(ValuesIntegrationTest, AdminCreatesThreeValuesEveryoneReadsThemInOrder) {
  // Client-chosen ids out of alphabetical order: the list is in creation
  // order, not id order.
  Value zeta = NewValue("Ownership", "", "zeta");
  Value alpha = NewValue("Care", "", "alpha");
  Value generated = NewValue("Courage");
  ASSERT_FALSE(HasFailure());

  for (const std::string& token :
       {EmployeeToken(ana_), org_.admin_token, ServiceToken(org_)}) {
    std::vector<Value> all = ListAll(token, "", 2);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].name(), zeta.name());
    EXPECT_EQ(all[1].name(), alpha.name());
    EXPECT_EQ(all[2].name(), generated.name());
    EXPECT_EQ(all[2].title(), "Courage");
  }
  EXPECT_EQ(ListAll(EmployeeToken(ana_), "state=ACTIVE", 50).size(), 3u);

  // Another organization sees none of them.
  TestServer::Organization other = server_.CreateOrganization("values-other");
  valuespb::ListValuesResponse page;
  ASSERT_TRUE(
      client_.List(other.admin_token, other.name, "", 50, "", &page).ok());
  EXPECT_EQ(page.values_size(), 0);
}

TEST_F(ValuesIntegrationTest,
       EndorsingTwiceCountsOnceAndUnendorsingLowersOnce) {
  Value value = NewValue("Trust");
  Value out;
  ASSERT_TRUE(client_.Endorse(EmployeeToken(ana_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 1);
  ASSERT_TRUE(client_.Endorse(EmployeeToken(ana_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 1) << "once per person";
  EXPECT_TRUE(out.endorsed_by_caller());
  ASSERT_TRUE(client_.Endorse(EmployeeToken(ben_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 2);

  EXPECT_TRUE(MustGet(EmployeeToken(ana_), value.name()).endorsed_by_caller());
  EXPECT_FALSE(MustGet(org_.admin_token, value.name()).endorsed_by_caller());
  EXPECT_EQ(MustGet(org_.admin_token, value.name()).endorsement_count(), 2);

  ASSERT_TRUE(client_.Unendorse(EmployeeToken(ana_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 1);
  EXPECT_FALSE(out.endorsed_by_caller());
  ASSERT_TRUE(client_.Unendorse(EmployeeToken(ana_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 1) << "unendorsing is idempotent";
  EXPECT_FALSE(MustGet(EmployeeToken(ana_), value.name()).endorsed_by_caller());
  EXPECT_TRUE(MustGet(EmployeeToken(ben_), value.name()).endorsed_by_caller());
  EXPECT_EQ(MustGet(EmployeeToken(ben_), value.name()).endorsement_count(), 1);
}

TEST_F(ValuesIntegrationTest, EndorsedByCallerIsRightOnEveryPage) {
  std::vector<Value> values;
  for (int i = 0; i < 7; ++i) values.push_back(NewValue(absl::StrCat("V", i)));
  std::set<std::string> endorsed;
  for (int i : {0, 3, 4, 6}) {
    Value out;
    ASSERT_TRUE(
        client_.Endorse(EmployeeToken(ana_), values[i].name(), &out).ok());
    endorsed.insert(values[i].name());
  }
  std::vector<Value> all = ListAll(EmployeeToken(ana_), "", 3);
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].name(), values[i].name());
    EXPECT_EQ(all[i].endorsed_by_caller(), endorsed.count(all[i].name()) > 0)
        << all[i].name();
  }
  for (const Value& v : ListAll(EmployeeToken(ben_), "", 3)) {
    EXPECT_FALSE(v.endorsed_by_caller());
  }
}

// The table of every candor_values table's rows, each row's columns joined.
std::vector<std::string> EveryValuesRow() {
  static constexpr absl::string_view kTables =
      "SELECT table_name FROM information_schema.tables WHERE table_schema = ?";
  db::ConnectionOptions options = TestDatabase::Get().options();
  options.schema = "candor_values";
  absl::StatusOr<std::unique_ptr<db::Connection>> connection =
      db::Connection::Open(options);
  EXPECT_TRUE(connection.ok()) << connection.status();
  if (!connection.ok()) return {};
  std::vector<std::string> rows;
  auto& tables_query = (*connection)->Prepare(kTables);
  tables_query.setString(1, "candor_values");
  std::unique_ptr<sql::ResultSet> tables(tables_query.executeQuery());
  int table_count = 0;
  while (tables->next()) {
    ++table_count;
    // Test-only SQL from the server's own table names, never from input.
    const std::string table = tables->getString(1);
    std::unique_ptr<sql::Statement> statement(
        (*connection)->raw().createStatement());
    std::unique_ptr<sql::ResultSet> result(
        statement->executeQuery(absl::StrCat("SELECT * FROM `", table, "`")));
    const unsigned columns = result->getMetaData()->getColumnCount();
    while (result->next()) {
      std::string row = table;
      for (unsigned c = 1; c <= columns; ++c) {
        absl::StrAppend(&row, "|", std::string(result->getString(c)));
      }
      rows.push_back(std::move(row));
    }
  }
  EXPECT_GE(table_count, 5) << "company_values, value_revisions, "
                               "value_endorsements, value_feedback, "
                               "idempotency_keys";
  return rows;
}

TEST_F(ValuesIntegrationTest, AnonymousFeedbackKeepsNoAuthorAnywhere) {
  Value value = NewValue("Listening");
  // Ana writes only anonymous feedback (with a request_id, so that the
  // idempotency table holds her call too); Ben writes named feedback.
  valuespb::ValueFeedback first, second, retried, named;
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), value.name(),
                            "Meetings run over and nobody says so.", true,
                            &first, "anon-request-1")
                  .ok());
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ben_), value.name(), "I feel heard.",
                            false, &named)
                  .ok());
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), value.name(),
                            "Second thought, also anonymous.", true, &second)
                  .ok());
  // A retry answers the first response: stored once.
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), value.name(),
                            "Meetings run over and nobody says so.", true,
                            &retried, "anon-request-1")
                  .ok());
  EXPECT_EQ(retried.name(), first.name());

  // Nobody sees an author or an exact time on anonymous feedback, the admin
  // included.
  EXPECT_EQ(first.author(), "");
  EXPECT_TRUE(first.anonymous());
  int pages = 0;
  std::vector<valuespb::ValueFeedback> all =
      AllFeedback(org_.admin_token, value.name(), 50, &pages);
  ASSERT_EQ(all.size(), 3u);
  for (const valuespb::ValueFeedback& f : all) {
    if (f.anonymous()) {
      EXPECT_EQ(f.author(), "") << f.text();
      EXPECT_EQ(f.create_time().seconds() % 86400, 0) << "rounded to the day";
      EXPECT_EQ(f.create_time().nanos(), 0);
    } else {
      EXPECT_EQ(f.author(), ben_.name());
    }
  }

  // And no row of any candor_values table holds her id: not the feedback,
  // not the idempotency key, not anything.
  const std::string ana_id = IdOf(ana_.name());
  const std::string ben_id = IdOf(ben_.name());
  bool found_ben = false;
  for (const std::string& row : EveryValuesRow()) {
    EXPECT_FALSE(absl::StrContains(row, ana_id)) << row;
    found_ben = found_ben || absl::StrContains(row, ben_id);
  }
  EXPECT_TRUE(found_ben) << "the scan does see authors of named feedback";

  // The idempotency fingerprint hashes no subject (a hash of a staff name is
  // reversed by trying each colleague): it is the fingerprint of an
  // anonymous caller of the organization.
  valuespb::CreateValueFeedbackRequest request;
  request.set_parent(value.name());
  request.mutable_feedback()->set_text("Meetings run over and nobody says so.");
  request.mutable_feedback()->set_anonymous(true);
  request.set_request_id("anon-request-1");
  Caller nobody;
  nobody.organization_id = org_.id;
  Caller ana;
  ana.organization_id = org_.id;
  ana.subject = ana_.name();
  const std::string anonymous_fingerprint =
      MakeIdempotencyKey(nobody, request).fingerprint;
  const std::string named_fingerprint =
      MakeIdempotencyKey(ana, request).fingerprint;
  bool found_key = false;
  for (const std::string& row : EveryValuesRow()) {
    if (!absl::StartsWith(row,
                          "idempotency_keys|" + org_.id + "|anon-request-1|")) {
      continue;
    }
    found_key = true;
    EXPECT_TRUE(absl::StrContains(row, anonymous_fingerprint)) << row;
    EXPECT_FALSE(absl::StrContains(row, named_fingerprint)) << row;
  }
  EXPECT_TRUE(found_key);
}

TEST_F(ValuesIntegrationTest, EarlierWordingStaysInTheHistory) {
  const StaffMember second_admin =
      server_.CreateStaff(org_, "A2", {StaffMember::ADMIN});
  const std::string second_admin_token = TestServer::StaffToken(
      second_admin.name(), {Role::kEmployee, Role::kAdmin});
  Value value = NewValue("Speed", "We ship fast.");

  Value change;
  change.set_name(value.name());
  change.set_title("Pace");
  change.set_statement("We ship at a pace we can keep.");
  change.set_etag(value.etag());
  Value updated;
  ASSERT_TRUE(
      client_
          .Update(second_admin_token, change, {"title", "statement"}, &updated)
          .ok());
  EXPECT_EQ(updated.revision_id(), "2");

  // An update that changes nothing makes no revision.
  Value same;
  ASSERT_TRUE(client_.Update(org_.admin_token, updated, {"title"}, &same).ok());
  EXPECT_EQ(same.revision_id(), "2");
  EXPECT_EQ(same.etag(), updated.etag());

  // Any staff member reads every wording, newest first, with who and when.
  valuespb::ListValueRevisionsResponse history;
  ASSERT_TRUE(
      client_.Revisions(EmployeeToken(ana_), value.name(), 0, "", &history)
          .ok());
  ASSERT_EQ(history.revisions_size(), 2);
  const valuespb::ValueRevision& now = history.revisions(0);
  const valuespb::ValueRevision& before = history.revisions(1);
  EXPECT_EQ(now.revision_id(), "2");
  EXPECT_EQ(now.name(), value.name() + "/revisions/2");
  EXPECT_EQ(now.title(), "Pace");
  EXPECT_EQ(now.editor(), second_admin.name());
  EXPECT_EQ(before.revision_id(), "1");
  EXPECT_EQ(before.title(), "Speed");
  EXPECT_EQ(before.statement(), "We ship fast.");
  EXPECT_EQ(before.editor(), org_.admin_name);
  EXPECT_EQ(before.create_time().seconds(), value.create_time().seconds());
  EXPECT_EQ(before.create_time().nanos(), value.create_time().nanos());
  EXPECT_EQ(now.create_time().seconds(), updated.update_time().seconds());
  EXPECT_EQ(now.create_time().nanos(), updated.update_time().nanos());

  // Paged one at a time, the same two.
  valuespb::ListValueRevisionsResponse page1, page2;
  ASSERT_TRUE(
      client_.Revisions(EmployeeToken(ana_), value.name(), 1, "", &page1).ok());
  ASSERT_EQ(page1.revisions_size(), 1);
  ASSERT_FALSE(page1.next_page_token().empty());
  ASSERT_TRUE(client_
                  .Revisions(EmployeeToken(ana_), value.name(), 1,
                             page1.next_page_token(), &page2)
                  .ok());
  ASSERT_EQ(page2.revisions_size(), 1);
  EXPECT_EQ(page2.revisions(0).revision_id(), "1");
  EXPECT_EQ(page2.next_page_token(), "");
}

TEST_F(ValuesIntegrationTest, RetiredValueCannotBeEndorsedOrUpdated) {
  Value value = NewValue("Hustle");
  Value out;
  ASSERT_TRUE(client_.Endorse(EmployeeToken(ben_), value.name(), &out).ok());
  Value retired;
  ASSERT_TRUE(client_.Retire(org_.admin_token, value.name(), &retired).ok());
  EXPECT_EQ(retired.state(), Value::RETIRED);

  EXPECT_THAT(client_.Endorse(EmployeeToken(ana_), value.name(), &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "retired"));
  Value change = retired;
  change.set_title("Hustle, renamed");
  EXPECT_THAT(client_.Update(org_.admin_token, change, {"title"}, &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "retired"));
  // Retiring again changes nothing; withdrawing an endorsement still works.
  Value again;
  ASSERT_TRUE(client_.Retire(org_.admin_token, value.name(), &again).ok());
  EXPECT_EQ(again.etag(), retired.etag());
  ASSERT_TRUE(client_.Unendorse(EmployeeToken(ben_), value.name(), &out).ok());
  EXPECT_EQ(out.endorsement_count(), 0);
  Value now = MustGet(EmployeeToken(ana_), value.name());
  EXPECT_EQ(now.title(), "Hustle");
  EXPECT_EQ(now.revision_id(), "1");
  EXPECT_FALSE(now.endorsed_by_caller());
}

TEST_F(ValuesIntegrationTest, StaleEtagIsAborted) {
  Value value = NewValue("Focus");
  Value change;
  change.set_name(value.name());
  change.set_title("Focus, first edit");
  change.set_etag(value.etag());
  Value first;
  ASSERT_TRUE(client_.Update(org_.admin_token, change, {"title"}, &first).ok());
  change.set_title("Focus, lost edit");  // still value.etag(): stale
  Value out;
  EXPECT_THAT(client_.Update(org_.admin_token, change, {"title"}, &out),
              GrpcStatusIs(StatusCode::ABORTED, "etag"));
  Value now = MustGet(org_.admin_token, value.name());
  EXPECT_EQ(now.title(), "Focus, first edit");
  EXPECT_EQ(now.etag(), first.etag());
  valuespb::ListValueRevisionsResponse history;
  ASSERT_TRUE(
      client_.Revisions(org_.admin_token, value.name(), 0, "", &history).ok());
  EXPECT_EQ(history.revisions_size(), 2);
}

TEST_F(ValuesIntegrationTest, RequestIdRetriesCreateOnce) {
  Value first, second;
  ASSERT_TRUE(client_
                  .Create(org_.admin_token, org_.name, "Craft", "We care.",
                          &first, "", "create-craft-1")
                  .ok());
  ASSERT_TRUE(client_
                  .Create(org_.admin_token, org_.name, "Craft", "We care.",
                          &second, "", "create-craft-1")
                  .ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(ListAll(org_.admin_token, "", 50).size(), 1u);
  Value other;
  EXPECT_THAT(client_.Create(org_.admin_token, org_.name, "Other", "Different.",
                             &other, "", "create-craft-1"),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "request_id"));

  // Named feedback and retirement replay too.
  valuespb::ValueFeedback f1, f2;
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), first.name(), "Yes.", false,
                            &f1, "feedback-1")
                  .ok());
  ASSERT_TRUE(client_
                  .Feedback(EmployeeToken(ana_), first.name(), "Yes.", false,
                            &f2, "feedback-1")
                  .ok());
  EXPECT_EQ(f2.name(), f1.name());
  int pages = 0;
  EXPECT_EQ(AllFeedback(org_.admin_token, first.name(), 50, &pages).size(), 1u);
  Value r1, r2;
  ASSERT_TRUE(
      client_.Retire(org_.admin_token, first.name(), &r1, "retire-1").ok());
  ASSERT_TRUE(
      client_.Retire(org_.admin_token, first.name(), &r2, "retire-1").ok());
  EXPECT_EQ(r2.etag(), r1.etag());

  // An existing value_id is ALREADY_EXISTS naming the field.
  NewValue("Named", "", "named-value");
  Value dup;
  EXPECT_THAT(client_.Create(org_.admin_token, org_.name, "Again", "Again.",
                             &dup, "named-value"),
              GrpcStatusIs(StatusCode::ALREADY_EXISTS, "value_id"));
}

TEST_F(ValuesIntegrationTest, FeedbackPagesNewestFirst) {
  Value value = NewValue("Openness");
  Value other = NewValue("Other");
  constexpr int kCount = 7;
  for (int i = 0; i < kCount; ++i) {
    valuespb::ValueFeedback out;
    const StaffMember& author = i % 2 == 0 ? ana_ : ben_;
    ASSERT_TRUE(client_
                    .Feedback(EmployeeToken(author), value.name(),
                              absl::StrCat("note ", i), i % 3 == 0, &out)
                    .ok());
  }
  int pages = 0;
  std::vector<valuespb::ValueFeedback> all =
      AllFeedback(EmployeeToken(ben_), value.name(), 3, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(all[i].text(), absl::StrCat("note ", kCount - 1 - i));
    EXPECT_EQ(all[i].anonymous(), (kCount - 1 - i) % 3 == 0);
  }

  // A token belongs to its value's list.
  valuespb::ListValueFeedbackResponse page;
  ASSERT_TRUE(
      client_.ListFeedback(EmployeeToken(ben_), value.name(), 3, "", &page)
          .ok());
  valuespb::ListValueFeedbackResponse wrong;
  EXPECT_THAT(client_.ListFeedback(EmployeeToken(ben_), other.name(), 3,
                                   page.next_page_token(), &wrong),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "page_token"));
}

TEST_F(ValuesIntegrationTest, MissingValuesAreNotFound) {
  const std::string missing = org_.name + "/values/no-such-value";
  Value out;
  EXPECT_THAT(client_.Get(EmployeeToken(ana_), missing, &out),
              GrpcStatusIs(StatusCode::NOT_FOUND, missing));
  EXPECT_THAT(client_.Endorse(EmployeeToken(ana_), missing, &out),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_THAT(client_.Retire(org_.admin_token, missing, &out),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  valuespb::ValueFeedback feedback;
  EXPECT_THAT(
      client_.Feedback(EmployeeToken(ana_), missing, "hi", false, &feedback),
      GrpcCodeIs(StatusCode::NOT_FOUND));
  valuespb::ListValueFeedbackResponse feedback_page;
  EXPECT_THAT(
      client_.ListFeedback(EmployeeToken(ana_), missing, 0, "", &feedback_page),
      GrpcCodeIs(StatusCode::NOT_FOUND));
  valuespb::ListValueRevisionsResponse history;
  EXPECT_THAT(client_.Revisions(EmployeeToken(ana_), missing, 0, "", &history),
              GrpcCodeIs(StatusCode::NOT_FOUND));

  // Another organization's value looks exactly like a missing one.
  TestServer::Organization other = server_.CreateOrganization("values-other");
  Value theirs;
  ASSERT_TRUE(
      client_
          .Create(other.admin_token, other.name, "Secret", "Theirs.", &theirs)
          .ok());
  const grpc::Status foreign =
      client_.Get(org_.admin_token, theirs.name(), &out);
  const grpc::Status absent = client_.Get(org_.admin_token, missing, &out);
  EXPECT_EQ(foreign.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(
      absl::StrReplaceAll(foreign.error_message(), {{theirs.name(), "<n>"}}),
      absl::StrReplaceAll(absent.error_message(), {{missing, "<n>"}}));
}

// --- bad input --------------------------------------------------------------

TEST_F(ValuesIntegrationTest, BadInputNamesTheFieldAndStoresNothing) {
  Value value = NewValue("Integrity");
  ASSERT_FALSE(HasFailure());
  const std::string admin = org_.admin_token;
  const std::string ana = EmployeeToken(ana_);
  auto& stub = client_.stub();

  const auto create =
      [&](std::function<void(valuespb::CreateValueRequest&)> edit) {
        valuespb::CreateValueRequest request;
        request.set_parent(org_.name);
        request.mutable_value()->set_title("Fine title");
        request.mutable_value()->set_statement("Fine statement.");
        edit(request);
        Value out;
        return stub.CreateValue(ValuesClient::Ctx(admin).get(), request, &out);
      };
  const auto update =
      [&](std::function<void(valuespb::UpdateValueRequest&)> edit) {
        valuespb::UpdateValueRequest request;
        request.mutable_value()->set_name(value.name());
        request.mutable_value()->set_title("Fine title");
        edit(request);
        Value out;
        return stub.UpdateValue(ValuesClient::Ctx(admin).get(), request, &out);
      };
  const auto feedback =
      [&](std::function<void(valuespb::CreateValueFeedbackRequest&)> edit) {
        valuespb::CreateValueFeedbackRequest request;
        request.set_parent(value.name());
        request.mutable_feedback()->set_text("Fine feedback.");
        edit(request);
        valuespb::ValueFeedback out;
        return stub.CreateValueFeedback(ValuesClient::Ctx(ana).get(), request,
                                        &out);
      };
  const auto list = [&](const std::string& filter, int page_size,
                        const std::string& token) {
    valuespb::ListValuesResponse out;
    return client_.List(ana, org_.name, filter, page_size, token, &out);
  };

  struct Case {
    std::string what;
    std::function<grpc::Status()> call;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"create: no parent",
       [&] { return create([](auto& r) { r.clear_parent(); }); }, "parent"},
      {"create: bad parent",
       [&] { return create([](auto& r) { r.set_parent("orgs/x"); }); },
       "parent"},
      {"create: no value",
       [&] { return create([](auto& r) { r.clear_value(); }); }, "value"},
      {"create: empty title",
       [&] {
         return create([](auto& r) { r.mutable_value()->set_title(" "); });
       },
       "value.title"},
      {"create: long title",
       [&] {
         return create(
             [](auto& r) { r.mutable_value()->set_title(Repeat("t", 121)); });
       },
       "value.title"},
      {"create: two-line title",
       [&] {
         return create([](auto& r) { r.mutable_value()->set_title("a\nb"); });
       },
       "value.title"},
      {"create: no statement",
       [&] {
         return create([](auto& r) { r.mutable_value()->clear_statement(); });
       },
       "value.statement"},
      {"create: long statement",
       [&] {
         return create([](auto& r) {
           r.mutable_value()->set_statement(Repeat("s", 2001));
         });
       },
       "value.statement"},
      {"create: bad value_id",
       [&] { return create([](auto& r) { r.set_value_id("Not_Valid"); }); },
       "value_id"},
      {"create: long value_id",
       [&] { return create([](auto& r) { r.set_value_id(Repeat("v", 64)); }); },
       "value_id"},
      {"create: bad request_id",
       [&] { return create([](auto& r) { r.set_request_id("has space"); }); },
       "request_id"},
      {"get: empty name",
       [&] {
         Value out;
         return client_.Get(ana, "", &out);
       },
       "name"},
      {"get: malformed name",
       [&] {
         Value out;
         return client_.Get(ana, org_.name + "/values/", &out);
       },
       "name"},
      {"list: negative page_size", [&] { return list("", -1, ""); },
       "page_size"},
      {"list: huge page_size", [&] { return list("", 1001, ""); }, "page_size"},
      {"list: unknown filter", [&] { return list("title = x", 0, ""); },
       "filter"},
      {"list: bad state", [&] { return list("state = GONE", 0, ""); },
       "filter"},
      {"list: forged page_token", [&] { return list("", 0, "Zm9yZ2Vk"); },
       "page_token"},
      {"update: bad name",
       [&] {
         return update(
             [](auto& r) { r.mutable_value()->set_name("values/x"); });
       },
       "value.name"},
      {"update: output-only path",
       [&] {
         return update(
             [](auto& r) { r.mutable_update_mask()->add_paths("state"); });
       },
       "update_mask"},
      {"update: unknown path",
       [&] {
         return update(
             [](auto& r) { r.mutable_update_mask()->add_paths("colour"); });
       },
       "update_mask"},
      {"update: nothing named",
       [&] {
         return update([](auto& r) { r.mutable_value()->clear_title(); });
       },
       "update_mask"},
      {"update: long title",
       [&] {
         return update(
             [](auto& r) { r.mutable_value()->set_title(Repeat("t", 121)); });
       },
       "value.title"},
      {"update: empty statement in mask",
       [&] {
         return update(
             [](auto& r) { r.mutable_update_mask()->add_paths("statement"); });
       },
       "value.statement"},
      {"revisions: bad parent",
       [&] {
         valuespb::ListValueRevisionsResponse out;
         return client_.Revisions(ana, org_.name, 0, "", &out);
       },
       "parent"},
      {"revisions: forged page_token",
       [&] {
         valuespb::ListValueRevisionsResponse out;
         return client_.Revisions(ana, value.name(), 0, "Zm9yZ2Vk", &out);
       },
       "page_token"},
      {"retire: bad name",
       [&] {
         Value out;
         return client_.Retire(admin, "organizations/x", &out);
       },
       "name"},
      {"retire: bad request_id",
       [&] {
         Value out;
         return client_.Retire(admin, value.name(), &out, "a/b");
       },
       "request_id"},
      {"endorse: bad name",
       [&] {
         Value out;
         return client_.Endorse(ana, value.name() + "/x", &out);
       },
       "name"},
      {"unendorse: bad name",
       [&] {
         Value out;
         return client_.Unendorse(ana, "", &out);
       },
       "name"},
      {"feedback: bad parent",
       [&] {
         return feedback(
             [](auto& r) { r.set_parent("organizations/x/values"); });
       },
       "parent"},
      {"feedback: none",
       [&] { return feedback([](auto& r) { r.clear_feedback(); }); },
       "feedback"},
      {"feedback: empty text",
       [&] {
         return feedback([](auto& r) { r.mutable_feedback()->set_text(""); });
       },
       "feedback.text"},
      {"feedback: long text",
       [&] {
         return feedback([](auto& r) {
           r.mutable_feedback()->set_text(Repeat("f", 2001));
         });
       },
       "feedback.text"},
      {"feedback: control character",
       [&] {
         return feedback(
             [](auto& r) { r.mutable_feedback()->set_text("a\x01"); });
       },
       "feedback.text"},
      {"feedback: anonymous, bad request_id",
       [&] {
         return feedback([](auto& r) {
           r.mutable_feedback()->set_anonymous(true);
           r.set_request_id(Repeat("r", 65));
         });
       },
       "request_id"},
      {"list feedback: bad page_size",
       [&] {
         valuespb::ListValueFeedbackResponse out;
         return client_.ListFeedback(ana, value.name(), -5, "", &out);
       },
       "page_size"},
      {"list feedback: forged page_token",
       [&] {
         valuespb::ListValueFeedbackResponse out;
         return client_.ListFeedback(ana, value.name(), 0, "Zm9yZ2Vk", &out);
       },
       "page_token"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_TRUE(IsInvalidField(c.call(), c.field));
  }

  // Nothing was stored or changed.
  std::vector<Value> all = ListAll(admin, "", 50);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].etag(), value.etag());
  EXPECT_EQ(all[0].title(), "Integrity");
  EXPECT_EQ(all[0].state(), Value::ACTIVE);
  EXPECT_EQ(all[0].endorsement_count(), 0);
  valuespb::ListValueRevisionsResponse history;
  ASSERT_TRUE(client_.Revisions(admin, value.name(), 0, "", &history).ok());
  EXPECT_EQ(history.revisions_size(), 1);
  int pages = 0;
  EXPECT_THAT(AllFeedback(admin, value.name(), 50, &pages), IsEmpty());
}

// --- concurrency ------------------------------------------------------------

TEST_F(ValuesIntegrationTest, ConcurrentEndorsementsCountExactly) {
  constexpr int kStaff = 40;
  constexpr int kThreads = 16;
  Value value = NewValue("Together");
  std::vector<std::string> tokens(kStaff);
  {
    std::vector<std::function<void()>> creates;
    for (int i = 0; i < kStaff; ++i) {
      creates.push_back([&, i] {
        tokens[i] =
            EmployeeToken(server_.CreateStaff(org_, absl::StrCat("C", i)));
      });
    }
    RunConcurrently(std::move(creates), 8);
  }
  ASSERT_FALSE(HasFailure());

  // Endorse and unendorse are idempotent, so a client may retry them when
  // the server asks it to (ABORTED: a lock conflict; UNAVAILABLE: busy).
  std::atomic<int> failures{0};
  std::atomic<int> retries{0};
  const auto call = [&](bool endorse, int who) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      Value out;
      ValuesClient client;
      grpc::Status status =
          endorse ? client.Endorse(tokens[who], value.name(), &out)
                  : client.Unendorse(tokens[who], value.name(), &out);
      if (status.ok()) {
        if (out.endorsed_by_caller() != endorse) ++failures;
        return;
      }
      if (status.error_code() != StatusCode::ABORTED &&
          status.error_code() != StatusCode::UNAVAILABLE) {
        ADD_FAILURE() << status.error_message();
        ++failures;
        return;
      }
      ++retries;
    }
    ++failures;
  };

  // Round 1: everyone endorses twice, the two calls racing each other.
  std::vector<std::function<void()>> round1;
  for (int i = 0; i < kStaff; ++i) {
    round1.push_back([&, i] { call(true, i); });
    round1.push_back([&, i] { call(true, i); });
  }
  std::shuffle(round1.begin(), round1.end(), std::mt19937(42));
  RunConcurrently(std::move(round1), kThreads);
  EXPECT_EQ(MustGet(org_.admin_token, value.name()).endorsement_count(),
            kStaff);

  // Round 2: every fifth person withdraws twice (racing); every fourth
  // other person withdraws and endorses again; everyone else endorses once
  // more.
  std::map<int, bool> final_state;
  std::vector<std::function<void()>> round2;
  for (int i = 0; i < kStaff; ++i) {
    if (i % 5 == 0) {
      round2.push_back([&, i] { call(false, i); });
      round2.push_back([&, i] { call(false, i); });
      final_state[i] = false;
    } else if (i % 4 == 0) {
      round2.push_back([&, i] {
        call(false, i);
        call(true, i);
      });
      final_state[i] = true;
    } else {
      round2.push_back([&, i] { call(true, i); });
      final_state[i] = true;
    }
  }
  std::shuffle(round2.begin(), round2.end(), std::mt19937(7));
  RunConcurrently(std::move(round2), kThreads);
  EXPECT_EQ(failures.load(), 0);
  if (retries.load() > 0) std::cout << "retries: " << retries.load() << "\n";

  int expected = 0;
  for (const auto& [who, endorsed] : final_state) expected += endorsed;
  EXPECT_EQ(expected, kStaff - kStaff / 5);
  EXPECT_EQ(MustGet(org_.admin_token, value.name()).endorsement_count(),
            expected);
  for (int i = 0; i < kStaff; ++i) {
    EXPECT_EQ(MustGet(tokens[i], value.name()).endorsed_by_caller(),
              final_state[i])
        << "staff " << i;
  }
}

}  // namespace
}  // namespace candor::testing
