// candor_datagen: loads the benchmark dataset into a running Candor and
// writes its manifest (dataset.h) for the load generator.
//
//   build/tests/bench/candor_datagen --addr=127.0.0.1:50051
//     --jwt_secret_file=var/jwt.secret --db_port=3307
//     --db_password_file=var/mariadb/db.password [--seed=1] [--staff=2000 ...]
//
// What goes through the API of the running candord, as clients would call
// it: the organization, the staff (one ImportStaffMembers stream; its time
// is a target: 100,000 rows in under 20 s), the values, the stories, the
// staff ids (ListStaffMembers), the published ruleset (GetPublishedRuleset,
// which publishes the shipped default on first use) and the engagement
// events (concurrent RecordEngagementEvents streams).
//
// What goes through the services' bulk paths (services/*/bulk_load.h),
// because a million SubmitPost calls at about 1,000/s would take most of an
// hour: the advocates' consent and linked accounts (staff), the posts
// (advocacy), their automatic decisions with their audit entries, decided by
// the real rules engine (transparency), and the shares (engagement).
//
// Everything is repeatable from --seed: the people, the texts, which posts
// carry no disclosure, who shares what. Ids are server-style ids
// (services/common/ids.h) and differ between runs.
//
// Running it again for an organization that already exists loads nothing
// and exits 0: when the manifest at --dataset names that organization it is
// kept; otherwise it is rebuilt from the database (to load again, use
// another --organization or a fresh database). candord caches the
// near-duplicate index per organization, so it must be restarted after a load
// (the run script does).
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/migrations.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/advocacy/bulk_load.h"
#include "services/common/auth.h"
#include "services/common/ids.h"
#include "services/common/status_macros.h"
#include "services/engagement/bulk_load.h"
#include "services/staff/bulk_load.h"
#include "services/transparency/bulk_load.h"
#include "tests/bench/dataset.h"
#include "tests/bench/synthetic.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "candord's gRPC address");
ABSL_FLAG(std::string, jwt_secret_file, "var/jwt.secret",
          "the HS256 secret candord verifies tokens with");
ABSL_FLAG(std::string, organization, "bench", "organization id to create");
ABSL_FLAG(uint64_t, seed, 1, "seed of all generated content");
ABSL_FLAG(int64_t, staff, 100000, "staff members (index 0 is the admin)");
ABSL_FLAG(int64_t, values, 50, "values");
ABSL_FLAG(int64_t, stories, 2000, "stories");
ABSL_FLAG(int64_t, posts, 1000000, "posts, each decided");
ABSL_FLAG(int64_t, events, 10000000, "engagement events");
ABSL_FLAG(double, share_fraction, 0.5,
          "fraction of approved posts their author shared");
ABSL_FLAG(
    double, consent_fraction, 0.9,
    "fraction of staff with advocacy consent and a linked LinkedIn account");
ABSL_FLAG(double, undisclosed_fraction, 0.03,
          "fraction of posts written without the employment disclosure (the "
          "engine sends them to review or rejects them)");
ABSL_FLAG(double, review_fraction, 0.02,
          "fraction of posts that promise \"risk-free\" returns (the "
          "sensitive-terms rule sends them to a reviewer)");
ABSL_FLAG(int64_t, staff_per_reviewer, 500, "one reviewer per this many staff");
ABSL_FLAG(int, streams, 4, "concurrent RecordEngagementEvents streams");
ABSL_FLAG(int, threads, 2, "threads deciding posts with the rules engine");
ABSL_FLAG(std::string, db_socket, "",
          "MariaDB Unix socket; when set, db_host and db_port are not used");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, db_port, 3306, "MariaDB port");
ABSL_FLAG(std::string, db_user, "candor", "MariaDB user");
ABSL_FLAG(std::string, db_password_file, "",
          "file holding the MariaDB password");
ABSL_FLAG(std::string, dataset, "var/bench/dataset.txt", "manifest to write");
ABSL_FLAG(int64_t, more_events, 0,
          "for an organization already loaded: record this many more "
          "engagement events on its shares (to measure ingestion alone) and "
          "load nothing else");

namespace candor::bench {
namespace {

namespace staffpb = ::candor::staff::v1;
namespace valuespb = ::candor::values::v1;
namespace advocacypb = ::candor::advocacy::v1;
namespace tpb = ::candor::transparency::v1;
namespace engagementpb = ::candor::engagement::v1;
using Clock = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 86400 * kSecond;
constexpr int kLinkedIn = 1;
constexpr size_t kEmployeeSample = 5000;
constexpr size_t kShareSample = 10000;
constexpr int64_t kEventsPerMessage = 500;
constexpr int64_t kEventsPerStream = 100000;  // the server's limit per stream
constexpr int64_t kPostBatch = 10000;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "candor_datagen: %s\n", message.c_str());
  std::exit(1);
}

void Check(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

void Check(const grpc::Status& status, absl::string_view what) {
  if (!status.ok()) {
    Die(absl::StrCat(what, ": ", status.error_message(), " (code ",
                     static_cast<int>(status.error_code()), ")"));
  }
}

int64_t NowUs() { return absl::ToUnixMicros(absl::Now()); }

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// One stage's line of the summary.
struct StageTime {
  std::string name;
  int64_t rows = 0;
  double seconds = 0;
};
std::vector<StageTime> stages;

void Report(const std::string& name, int64_t rows, Clock::time_point start) {
  const double s = Seconds(start);
  stages.push_back({name, rows, s});
  std::printf("%-34s %10lld rows in %8.2f s  (%.0f rows/s)\n", name.c_str(),
              static_cast<long long>(rows), s, s > 0 ? rows / s : 0.0);
  std::fflush(stdout);
}

void Progress(const char* what, int64_t done, int64_t total,
              Clock::time_point start) {
  std::printf("  %s: %lld / %lld (%.0f/s)\n", what,
              static_cast<long long>(done), static_cast<long long>(total),
              done / std::max(1e-9, Seconds(start)));
  std::fflush(stdout);
}

std::unique_ptr<grpc::ClientContext> Context(
    const std::string& token, absl::Duration timeout = absl::Seconds(60)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

std::string Mint(const std::string& secret, std::string subject,
                 std::string org, std::vector<Role> roles) {
  TokenClaims claims;
  claims.subject = std::move(subject);
  claims.organization_id = std::move(org);
  claims.roles = std::move(roles);
  claims.ttl = absl::Hours(6);
  absl::StatusOr<std::string> token = MintHs256Token(claims, secret);
  Check(token.status(), "mint token");
  return *token;
}

std::unique_ptr<db::Pool> MakePool(absl::string_view service, int size) {
  db::PoolOptions options;
  options.connection.unix_socket = absl::GetFlag(FLAGS_db_socket);
  options.connection.host = absl::GetFlag(FLAGS_db_host);
  options.connection.port = absl::GetFlag(FLAGS_db_port);
  options.connection.user = absl::GetFlag(FLAGS_db_user);
  const std::string password_file = absl::GetFlag(FLAGS_db_password_file);
  if (!password_file.empty()) {
    absl::StatusOr<std::string> password = ReadKeyFile(password_file);
    Check(password.status(), "db_password_file");
    options.connection.password = *password;
  }
  options.connection.schema = db::SchemaFor(service);
  // Multi-row statements of 500-1,000 rows of up to 3,000 characters.
  options.connection.read_timeout = options.connection.write_timeout =
      absl::Seconds(120);
  options.max_connections = size;
  options.borrow_timeout = absl::Seconds(30);
  return std::make_unique<db::Pool>(options);
}

// Deterministic per-index choices, independent of each other.
uint64_t Hash(uint64_t seed, uint64_t stream, uint64_t index) {
  Rng rng(seed * 0x9e3779b97f4a7c15ULL ^ (stream << 40) ^ index);
  return rng.Next();
}
double UnitAt(uint64_t seed, uint64_t stream, uint64_t index) {
  return static_cast<double>(Hash(seed, stream, index) >> 11) * 0x1.0p-53;
}

struct StoryInfo {
  std::string id;
  std::string summary;
  std::vector<std::string> talking_points;
  std::string url;
  std::vector<std::string> departments;  // empty: everyone
  std::string value_id;
};

struct ShareInfo {
  std::string id;
  int64_t time_us = 0;
};

class DataGen {
 public:
  int Main() {
    seed_ = absl::GetFlag(FLAGS_seed);
    org_ = absl::GetFlag(FLAGS_organization);
    company_ = absl::StrCat("Bench ", org_, " Corporation");
    domain_ = absl::StrCat(org_, ".example");
    n_staff_ = std::max<int64_t>(1, absl::GetFlag(FLAGS_staff));
    absl::StatusOr<std::string> secret =
        ReadKeyFile(absl::GetFlag(FLAGS_jwt_secret_file));
    Check(secret.status(), "jwt_secret_file");
    secret_ = *secret;
    channel_ = grpc::CreateChannel(absl::GetFlag(FLAGS_addr),
                                   grpc::InsecureChannelCredentials());
    staff_ = staffpb::StaffService::NewStub(channel_);
    operator_token_ = Mint(secret_, "operator", "", {Role::kOperator});

    const Clock::time_point total = Clock::now();
    if (!CreateOrganization()) {
      if (absl::GetFlag(FLAGS_more_events) > 0) return MoreEvents();
      return AlreadyLoaded();
    }
    ImportStaff();
    ListStaff();
    EnrollAdvocates();
    CreateValues();
    CreateStories();
    LoadPosts();
    RecordEvents(absl::GetFlag(FLAGS_events));
    WriteManifest();
    std::printf("\nloaded organizations/%s in %.1f s\n", org_.c_str(),
                Seconds(total));
    for (const StageTime& s : stages) {
      std::printf("  %-34s %10lld rows %8.2f s %10.0f rows/s\n", s.name.c_str(),
                  static_cast<long long>(s.rows), s.seconds,
                  s.seconds > 0 ? s.rows / s.seconds : 0.0);
    }
    std::printf(
        "\ncandord caches the near-duplicate index per organization: restart "
        "candord before running the load generator "
        "(deploy/local/up --detach restarts it).\n");
    return 0;
  }

 private:
  std::string StaffName(const std::string& id) const {
    return absl::StrCat("organizations/", org_, "/staffMembers/", id);
  }

  // False when the organization exists already.
  bool CreateOrganization() {
    const Clock::time_point start = Clock::now();
    const SyntheticStaff admin = StaffAt(seed_, 0, domain_);
    staffpb::CreateOrganizationRequest request;
    request.set_organization_id(org_);
    request.mutable_organization()->set_display_name(company_);
    staffpb::StaffMember* first = request.mutable_first_admin();
    first->set_employee_id(admin.employee_id);
    first->set_display_name(admin.display_name);
    first->set_email(admin.email);
    first->set_department(admin.department);
    first->set_title(admin.title);
    first->set_location(admin.location);
    staffpb::Organization organization;
    grpc::Status status = staff_->CreateOrganization(
        Context(operator_token_).get(), request, &organization);
    if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return false;
    Check(status, "CreateOrganization");
    admin_id_ = organization.founding_admin().substr(
        organization.founding_admin().rfind('/') + 1);
    admin_token_ = Mint(secret_, StaffName(admin_id_), org_,
                        {Role::kAdmin, Role::kReviewer, Role::kEmployee});
    Report("organization (CreateOrganization)", 1, start);
    return true;
  }

  // A second run: the organization exists, so nothing is loaded. When the
  // manifest at --dataset describes it, it stays; otherwise it is rebuilt
  // from the database (samples in a seeded random order), so the load
  // generator can run against a dataset whose manifest was lost.
  int AlreadyLoaded() {
    const std::string path = absl::GetFlag(FLAGS_dataset);
    absl::StatusOr<Dataset> dataset = ReadDataset(path);
    if (dataset.ok() && dataset->organization_id == org_) {
      std::printf(
          "organizations/%s exists and %s describes it (%llu staff, %llu "
          "posts, %llu events): already loaded, nothing to do.\n",
          org_.c_str(), path.c_str(),
          static_cast<unsigned long long>(dataset->staff_count),
          static_cast<unsigned long long>(dataset->post_count),
          static_cast<unsigned long long>(dataset->engagement_event_count));
      return 0;
    }
    std::printf(
        "organizations/%s exists: already loaded, nothing to load. Rebuilding "
        "the manifest %s from the database.\n",
        org_.c_str(), path.c_str());
    Dataset d;
    d.seed = seed_;
    d.organization_id = org_;
    const std::string order =
        absl::StrCat(" ORDER BY RAND(", seed_ % 1000000007, ")");
    auto strings = [&](db::Pool& pool, const std::string& sql) {
      std::vector<std::string> out;
      absl::StatusOr<db::PooledConnection> connection = pool.Borrow();
      Check(connection.status(), "database");
      Check(db::Run("manifest", *connection,
                    [&](db::Connection& c) {
                      std::unique_ptr<sql::PreparedStatement> select(
                          c.raw().prepareStatement(sql));
                      select->setString(1, org_);
                      std::unique_ptr<sql::ResultSet> rows(
                          select->executeQuery());
                      while (rows->next()) out.push_back(rows->getString(1));
                      return absl::OkStatus();
                    }),
            "manifest");
      return out;
    };
    auto count = [&](db::Pool& pool, const std::string& sql) {
      const std::vector<std::string> row = strings(pool, sql);
      return row.empty() ? uint64_t{0} : std::stoull(row[0]);
    };
    staff_pool_ = MakePool("staff", 1);
    const std::vector<std::string> admin =
        strings(*staff_pool_,
                "SELECT founding_admin_id FROM organizations WHERE "
                "organization_id = ?");
    if (!admin.empty()) d.admin_staff_id = admin[0];
    d.reviewer_staff_ids = strings(
        *staff_pool_,
        absl::StrCat("SELECT staff_member_id FROM staff_members WHERE "
                     "organization_id = ? AND (roles & 2) <> 0 AND state = 1 "
                     "AND staff_member_id <> '",
                     d.admin_staff_id, "' ORDER BY staff_member_id"));
    d.staff_count =
        count(*staff_pool_,
              "SELECT COUNT(*) FROM staff_members WHERE organization_id = ?");
    auto values_pool = MakePool("values", 1);
    d.value_ids = strings(*values_pool,
                          "SELECT value_id FROM company_values WHERE "
                          "organization_id = ? ORDER BY value_id");
    d.value_count = d.value_ids.size();
    advocacy_pool_ = MakePool("advocacy", 1);
    d.story_ids = strings(*advocacy_pool_,
                          "SELECT story_id FROM stories WHERE "
                          "organization_id = ? ORDER BY story_id");
    d.story_count = d.story_ids.size();
    d.post_count =
        count(*advocacy_pool_,
              "SELECT COUNT(*) FROM posts WHERE organization_id = ?");
    engagement_pool_ = MakePool("engagement", 1);
    // Compliant shares are of approved posts; their authors consented and
    // linked the account they shared from.
    d.employee_staff_ids = strings(
        *engagement_pool_,
        absl::StrCat(
            "SELECT author_id FROM (SELECT DISTINCT author_id FROM shares "
            "WHERE organization_id = ? AND state = 1) a",
            order, " LIMIT ", kEmployeeSample));
    d.share_ids = strings(
        *engagement_pool_,
        absl::StrCat("SELECT share_id FROM shares WHERE organization_id = ? "
                     "AND state = 1",
                     order, " LIMIT ", kShareSample));
    d.engagement_event_count = count(
        *engagement_pool_,
        "SELECT COUNT(*) FROM engagement_events WHERE organization_id = ?");
    d.audit_entry_count = static_cast<uint64_t>(AuditSequence());
    Check(WriteDataset(d, path), "write manifest");
    std::printf(
        "manifest: %s (%zu employees, %zu reviewers, %zu shares sampled; "
        "%llu posts, %llu audit entries, %llu events)\n",
        path.c_str(), d.employee_staff_ids.size(), d.reviewer_staff_ids.size(),
        d.share_ids.size(), static_cast<unsigned long long>(d.post_count),
        static_cast<unsigned long long>(d.audit_entry_count),
        static_cast<unsigned long long>(d.engagement_event_count));
    return 0;
  }

  bool IsReviewer(int64_t i) const {
    return i == 0 || i % absl::GetFlag(FLAGS_staff_per_reviewer) == 1;
  }
  bool Consents(int64_t i) const {
    return IsReviewer(i) || UnitAt(seed_, 1, static_cast<uint64_t>(i)) <
                                absl::GetFlag(FLAGS_consent_fraction);
  }

  void ImportStaff() {
    // The admin's row is included: it gives them the reviewer role too.
    std::vector<staffpb::ImportStaffMembersRequest> messages;
    for (int64_t i = 0; i < n_staff_; ++i) {
      if (i % 1000 == 0) {
        messages.emplace_back();
        if (i == 0)
          messages.back().set_parent(absl::StrCat("organizations/", org_));
      }
      const SyntheticStaff s =
          StaffAt(seed_, static_cast<uint64_t>(i), domain_);
      auto* row = messages.back().add_rows();
      row->set_employee_id(s.employee_id);
      row->set_display_name(s.display_name);
      row->set_email(s.email);
      row->set_department(s.department);
      row->set_title(s.title);
      row->set_location(s.location);
      // A manager hierarchy: everyone reports to someone with a smaller index.
      if (i > 0) {
        row->set_manager_employee_id(
            StaffAt(seed_, static_cast<uint64_t>((i - 1) / 10), domain_)
                .employee_id);
      }
      if (i == 0) {
        row->add_roles(staffpb::StaffMember::EMPLOYEE);
        row->add_roles(staffpb::StaffMember::REVIEWER);
        row->add_roles(staffpb::StaffMember::ADMIN);
      } else if (IsReviewer(i)) {
        row->add_roles(staffpb::StaffMember::EMPLOYEE);
        row->add_roles(staffpb::StaffMember::REVIEWER);
      }
    }
    const Clock::time_point start = Clock::now();
    staffpb::ImportStaffMembersResponse response;
    auto context = Context(admin_token_, absl::Minutes(10));
    auto writer = staff_->ImportStaffMembers(context.get(), &response);
    for (const auto& message : messages) {
      if (!writer->Write(message)) break;  // Finish says why
    }
    writer->WritesDone();
    Check(writer->Finish(), "ImportStaffMembers");
    if (response.errors_size() > 0 || !response.applied()) {
      Die(absl::StrCat(
          "ImportStaffMembers: row ", response.errors(0).row_number(), " ",
          response.errors(0).field(), ": ", response.errors(0).reason()));
    }
    Report("staff (ImportStaffMembers)", n_staff_, start);
    std::printf(
        "  staff import: %lld rows in %.2f s (target: 100,000 in < 20 s)\n",
        static_cast<long long>(n_staff_), stages.back().seconds);
  }

  void ListStaff() {
    const Clock::time_point start = Clock::now();
    absl::flat_hash_map<std::string, std::string> by_employee;
    staffpb::ListStaffMembersRequest request;
    request.set_parent(absl::StrCat("organizations/", org_));
    request.set_page_size(1000);
    do {
      staffpb::ListStaffMembersResponse response;
      Check(staff_->ListStaffMembers(Context(admin_token_).get(), request,
                                     &response),
            "ListStaffMembers");
      for (const auto& s : response.staff_members()) {
        by_employee[s.employee_id()] = s.name().substr(s.name().rfind('/') + 1);
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    staff_ids_.resize(static_cast<size_t>(n_staff_));
    for (int64_t i = 0; i < n_staff_; ++i) {
      auto it = by_employee.find(
          StaffAt(seed_, static_cast<uint64_t>(i), domain_).employee_id);
      if (it == by_employee.end())
        Die(absl::StrCat("staff member ", i, " was not listed"));
      staff_ids_[static_cast<size_t>(i)] = it->second;
      staff_index_[it->second] = static_cast<size_t>(i);
      if (IsReviewer(i)) reviewers_.push_back(static_cast<size_t>(i));
      if (Consents(i)) advocates_.push_back(static_cast<size_t>(i));
    }
    Report("staff ids (ListStaffMembers)",
           static_cast<int64_t>(by_employee.size()), start);
  }

  void EnrollAdvocates() {
    const Clock::time_point start = Clock::now();
    staff_pool_ = MakePool("staff", 1);
    std::vector<std::string> ids;
    for (size_t i : advocates_) ids.push_back(staff_ids_[i]);
    Check(staff::BulkEnrollAdvocates(*staff_pool_, org_, ids, NowUs()),
          "consent and linked accounts");
    Report("consent + LinkedIn (staff bulk)", static_cast<int64_t>(ids.size()),
           start);
  }

  // Runs fn(i) for i in [0, n) on `threads` threads.
  template <typename Fn>
  static void Parallel(int64_t n, int threads, Fn fn) {
    std::atomic<int64_t> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int64_t i; (i = next.fetch_add(1)) < n;) fn(i);
      });
    }
    for (std::thread& w : workers) w.join();
  }

  void CreateValues() {
    const Clock::time_point start = Clock::now();
    const int64_t n = absl::GetFlag(FLAGS_values);
    auto stub = valuespb::ValuesService::NewStub(channel_);
    value_ids_.resize(static_cast<size_t>(n));
    Parallel(n, 4, [&](int64_t i) {
      Rng rng(Hash(seed_, 2, static_cast<uint64_t>(i)));
      valuespb::CreateValueRequest request;
      request.set_parent(absl::StrCat("organizations/", org_));
      request.set_value_id(absl::StrCat("value-", i + 1));
      std::string title = GenerateText(rng, 20);
      title.resize(std::min<size_t>(title.size(), 60));
      request.mutable_value()->set_title(
          absl::StrCat("Value ", i + 1, ": ", title));
      request.mutable_value()->set_statement(
          GenerateText(rng, 200 + rng.Below(400)));
      valuespb::Value value;
      Check(stub->CreateValue(Context(admin_token_).get(), request, &value),
            "CreateValue");
      value_ids_[static_cast<size_t>(i)] = request.value_id();
    });
    Report("values (CreateValue)", n, start);
  }

  void CreateStories() {
    const Clock::time_point start = Clock::now();
    const int64_t n = absl::GetFlag(FLAGS_stories);
    auto stub = advocacypb::AdvocacyService::NewStub(channel_);
    stories_.resize(static_cast<size_t>(n));
    Parallel(n, 4, [&](int64_t i) {
      Rng rng(Hash(seed_, 3, static_cast<uint64_t>(i)));
      StoryInfo& info = stories_[static_cast<size_t>(i)];
      advocacypb::CreateStoryRequest request;
      request.set_parent(absl::StrCat("organizations/", org_));
      advocacypb::Story* story = request.mutable_story();
      std::string title = GenerateText(rng, 40);
      title.resize(std::min<size_t>(title.size(), 100));
      story->set_title(title);
      info.summary = GenerateText(rng, 100 + rng.Below(300));
      story->set_summary(info.summary);
      info.url = absl::StrCat("https://news.", domain_, "/stories/", i + 1);
      story->set_url(info.url);
      for (int k = 0, points = 1 + static_cast<int>(rng.Below(3)); k < points;
           ++k) {
        info.talking_points.push_back(GenerateText(rng, 60 + rng.Below(100)));
        story->add_talking_points(info.talking_points.back());
      }
      if (!value_ids_.empty()) {
        info.value_id = value_ids_[rng.Below(value_ids_.size())];
        story->add_values(
            absl::StrCat("organizations/", org_, "/values/", info.value_id));
      }
      // Most stories are for everyone; the rest for one to three departments.
      if (rng.Unit() < 0.3) {
        for (int k = 0, m = 1 + static_cast<int>(rng.Below(3)); k < m; ++k) {
          const std::string d =
              DepartmentAt(seed_, rng.Below(static_cast<size_t>(n_staff_)));
          if (std::find(info.departments.begin(), info.departments.end(), d) ==
              info.departments.end()) {
            info.departments.push_back(d);
            story->add_audience_departments(d);
          }
        }
      }
      advocacypb::Story created;
      Check(stub->CreateStory(Context(admin_token_).get(), request, &created),
            "CreateStory");
      info.id = created.name().substr(created.name().rfind('/') + 1);
    });
    Report("stories (CreateStory)", n, start);
  }

  // One post, as its author would have written it: who, when, about what.
  struct PlannedPost {
    size_t author = 0;  // staff index
    int64_t time_us = 0;
    int story = -1;
  };

  PlannedPost PlanPost(int64_t i, int64_t n, int64_t begin_us,
                       int64_t span_us) const {
    Rng rng(Hash(seed_, 4, static_cast<uint64_t>(i)));
    PlannedPost p;
    p.author = advocates_[rng.Below(advocates_.size())];
    // Spread evenly over the window, in index order, so the audit log's
    // times increase with its sequence.
    p.time_us =
        begin_us + static_cast<int64_t>(static_cast<double>(span_us) *
                                        (static_cast<double>(i) + rng.Unit()) /
                                        static_cast<double>(n));
    if (!stories_.empty() && rng.Unit() < 0.7) {
      const int s = static_cast<int>(rng.Below(stories_.size()));
      const StoryInfo& story = stories_[static_cast<size_t>(s)];
      const std::string department = DepartmentAt(seed_, p.author);
      if (story.departments.empty() ||
          std::find(story.departments.begin(), story.departments.end(),
                    department) != story.departments.end()) {
        p.story = s;
      }
    }
    return p;
  }

  void LoadPosts() {
    const int64_t n = absl::GetFlag(FLAGS_posts);
    if (n == 0) return;
    if (advocates_.empty()) Die("no staff member consents: nobody can post");
    // The published ruleset, through the API: the first use publishes the
    // shipped default (and audits it), before the bulk entries.
    tpb::Ruleset ruleset;
    {
      auto stub = tpb::TransparencyService::NewStub(channel_);
      tpb::GetPublishedRulesetRequest request;
      request.set_parent(absl::StrCat("organizations/", org_));
      Check(stub->GetPublishedRuleset(Context(admin_token_).get(), request,
                                      &ruleset),
            "GetPublishedRuleset");
    }
    absl::StatusOr<std::unique_ptr<transparency::BulkDecider>> decider =
        transparency::BulkDecider::Create(ruleset, org_, company_);
    Check(decider.status(), "rules engine");
    advocacy_pool_ = MakePool("advocacy", 1);
    transparency_pool_ = MakePool("transparency", 1);
    engagement_pool_ = MakePool("engagement", 1);

    const double undisclosed = absl::GetFlag(FLAGS_undisclosed_fraction);
    const double share_fraction = absl::GetFlag(FLAGS_share_fraction);
    const double review_fraction = absl::GetFlag(FLAGS_review_fraction);
    const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
    // The last 29 days, ending a minute ago: all inside the 30-day
    // near-duplicate window when candord restarts right after the load.
    const int64_t end_us = NowUs() - 60 * kSecond;
    const int64_t span_us = 29 * kDay;
    const int64_t begin_us = end_us - span_us;

    const Clock::time_point start = Clock::now();
    double decide_s = 0, posts_s = 0, decisions_s = 0, shares_s = 0;
    int64_t verdicts[4] = {0, 0, 0, 0};
    std::vector<char> author_shared(staff_ids_.size(), 0);
    struct Batch {
      int64_t first = 0, count = 0;
      std::vector<advocacy::PostRecord> posts;
      std::vector<transparency::BulkDecision> decisions;
      std::vector<engagement::ShareRecord> shares;
      absl::Status posts_status, decisions_status, shares_status;
    };
    // The three services' tables are independent: write them at once.
    auto write = [&](Batch* batch) {
      std::thread post_writer([&] {
        const Clock::time_point w = Clock::now();
        batch->posts_status =
            advocacy::BulkInsertPosts(*advocacy_pool_, batch->posts);
        posts_s += Seconds(w);
      });
      std::thread decision_writer([&] {
        const Clock::time_point w = Clock::now();
        batch->decisions_status = transparency::BulkAppendDecisions(
            *transparency_pool_, org_, batch->decisions);
        decisions_s += Seconds(w);
      });
      const Clock::time_point w = Clock::now();
      batch->shares_status =
          engagement::BulkInsertShares(*engagement_pool_, batch->shares);
      shares_s += Seconds(w);
      post_writer.join();
      decision_writer.join();
    };
    auto finish = [&](const Batch& batch) {
      Check(batch.posts_status, "posts (advocacy bulk)");
      Check(batch.decisions_status, "decisions (transparency bulk)");
      Check(batch.shares_status, "shares (engagement bulk)");
      for (const engagement::ShareRecord& share : batch.shares) {
        shares_.push_back({share.share_id, share.create_time_us});
        author_shared[staff_index_.at(share.author_id)] = 1;
      }
      post_count_ += batch.count;
      if ((batch.first / kPostBatch) % 10 == 9 ||
          batch.first + batch.count == n) {
        Progress("posts", batch.first + batch.count, n, start);
      }
    };
    std::unique_ptr<Batch> pending;
    std::thread writer;
    for (int64_t first = 0; first < n; first += kPostBatch) {
      const int64_t count = std::min(kPostBatch, n - first);
      std::vector<advocacy::PostRecord> posts(static_cast<size_t>(count));
      std::vector<transparency::BulkDecision> decisions(
          static_cast<size_t>(count));
      Clock::time_point t = Clock::now();
      Parallel(count, threads, [&](int64_t k) {
        const int64_t i = first + k;
        const PlannedPost plan = PlanPost(i, n, begin_us, span_us);
        advocacy::PostRecord& post = posts[static_cast<size_t>(k)];
        post.organization_id = org_;
        post.post_id = NewResourceId();
        post.author_id = staff_ids_[plan.author];
        post.network = kLinkedIn;
        post.text =
            UnitAt(seed_, 5, static_cast<uint64_t>(i)) < undisclosed
                ? CorpusText(seed_, static_cast<uint64_t>(i))
                : DisclosedPostText(seed_, static_cast<uint64_t>(i), company_);
        if (UnitAt(seed_, 9, static_cast<uint64_t>(i)) < review_fraction) {
          constexpr absl::string_view kPromise =
              " Risk-free returns, guaranteed.";
          if (post.text.size() + kPromise.size() > 3000) {
            post.text.resize(post.text.rfind(' ', 3000 - kPromise.size()));
          }
          absl::StrAppend(&post.text, kPromise);
        }
        transparency::BulkPostToDecide input;
        input.post_id = post.post_id;
        input.time_us = plan.time_us;
        input.input.network = transparency::Network::kLinkedIn;
        input.input.text = post.text;
        input.input.author.staff_member_id = post.author_id;
        input.input.author.active = true;
        input.input.author.advocacy_consent = true;
        input.input.author.linked_handles.push_back(
            staff::BulkLinkedInHandle(post.author_id));
        if (plan.story >= 0) {
          const StoryInfo& story = stories_[static_cast<size_t>(plan.story)];
          post.story_id = story.id;
          if (!story.value_id.empty()) post.value_ids.push_back(story.value_id);
          input.input.story.story_id =
              absl::StrCat("organizations/", org_, "/stories/", story.id);
          input.input.story.summary = story.summary;
          input.input.story.talking_points = story.talking_points;
          input.input.story.url = story.url;
        }
        transparency::BulkDecision& decision =
            decisions[static_cast<size_t>(k)];
        decision = (*decider)->Decide(input);
        switch (decision.record.verdict) {
          case tpb::Decision::APPROVED:
            post.state = advocacy::PostState::kApproved;
            break;
          case tpb::Decision::NEEDS_REVIEW:
            post.state = advocacy::PostState::kInReview;
            break;
          default:
            post.state = advocacy::PostState::kRejected;
            break;
        }
        post.revision = 1;
        post.latest_decision = decision.record.body;
        post.create_time_us = plan.time_us;
        // Submitted (and decided) a moment after it was written.
        post.update_time_us = plan.time_us;
        post.version = 2;  // created, then submitted
      });
      decide_s += Seconds(t);

      std::vector<engagement::ShareRecord> shares;
      for (int64_t k = 0; k < count; ++k) {
        const advocacy::PostRecord& post = posts[static_cast<size_t>(k)];
        ++verdicts[decisions[static_cast<size_t>(k)].record.verdict & 3];
        if (post.state != advocacy::PostState::kApproved) continue;
        const int64_t i = first + k;
        if (UnitAt(seed_, 6, static_cast<uint64_t>(i)) >= share_fraction)
          continue;
        engagement::ShareRecord share;
        share.organization_id = org_;
        share.post_id = post.post_id;
        share.author_id = post.author_id;
        share.network = kLinkedIn;
        share.published_text = post.text;  // as approved: compliant
        share.external_url =
            absl::StrCat("https://www.linkedin.com/feed/update/urn:li:share:",
                         7000000000000000000 + i);
        share.link_url = post.link_url;
        share.state = engagement::ShareState::kCompliant;
        share.story_id = post.story_id;
        share.value_ids = engagement::JoinValueIds(post.value_ids);
        share.create_time_us = std::min(
            end_us, post.create_time_us +
                        static_cast<int64_t>(
                            UnitAt(seed_, 7, static_cast<uint64_t>(i)) * 6 *
                            3600 * kSecond));
        shares.push_back(std::move(share));
      }

      // Batch k is written while batch k + 1 is decided: the rules engine
      // runs here, the writes mostly in MariaDB.
      if (writer.joinable()) {
        writer.join();
        finish(*pending);
      }
      pending = std::make_unique<Batch>();
      pending->first = first;
      pending->count = count;
      pending->posts = std::move(posts);
      pending->decisions = std::move(decisions);
      pending->shares = std::move(shares);
      writer = std::thread(write, pending.get());
    }
    if (writer.joinable()) {
      writer.join();
      finish(*pending);
    }
    for (size_t s = 0; s < author_shared.size(); ++s) {
      if (author_shared[s]) sharing_authors_.push_back(s);
    }
    Report("posts+decisions+audit+shares", n, start);
    std::printf(
        "  posts: %lld approved, %lld in review, %lld rejected; %zu shares\n"
        "  time: deciding %.1f s (%d threads), writing posts %.1f s, "
        "decisions+audit %.1f s, shares %.1f s (in parallel)\n",
        static_cast<long long>(verdicts[1]),
        static_cast<long long>(verdicts[2]),
        static_cast<long long>(verdicts[3]), shares_.size(), decide_s, threads,
        posts_s, decisions_s, shares_s);
  }

  // --more_events: every compliant share of the organization, then events
  // with ids of this run (so none is a duplicate of an earlier run's).
  int MoreEvents() {
    engagement_pool_ = MakePool("engagement", 1);
    absl::StatusOr<db::PooledConnection> connection =
        engagement_pool_->Borrow();
    Check(connection.status(), "engagement database");
    Check(
        db::Run("shares", *connection,
                [&](db::Connection& c) {
                  std::unique_ptr<sql::PreparedStatement> select(
                      c.raw().prepareStatement(
                          "SELECT share_id, create_time_us FROM shares WHERE "
                          "organization_id = ? "
                          "AND state = 1"));
                  select->setString(1, org_);
                  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
                  while (rows->next())
                    shares_.push_back({rows->getString(1), rows->getInt64(2)});
                  return absl::OkStatus();
                }),
        "shares");
    std::printf(
        "organizations/%s exists: recording %lld more events on its %zu "
        "shares\n",
        org_.c_str(), static_cast<long long>(absl::GetFlag(FLAGS_more_events)),
        shares_.size());
    RecordEvents(absl::GetFlag(FLAGS_more_events),
                 absl::StrCat("m", NowUs(), "-"));
    return 0;
  }

  void RecordEvents(int64_t n, const std::string& id_prefix = "") {
    if (n == 0) return;
    if (shares_.empty()) Die("no shares to record engagement events on");
    // A service token may record events on anyone's shares (staff only on
    // their own), as the network webhooks' ingestion service would.
    const std::string token =
        Mint(secret_, "services/bench-datagen", org_, {Role::kService});
    auto stub = engagementpb::EngagementService::NewStub(channel_);
    const int64_t streams = (n + kEventsPerStream - 1) / kEventsPerStream;
    const int64_t now_us = NowUs();
    std::atomic<int64_t> recorded{0}, duplicates{0}, done_streams{0};
    const Clock::time_point start = Clock::now();
    Parallel(
        streams, std::max(1, absl::GetFlag(FLAGS_streams)), [&](int64_t s) {
          const int64_t first = s * kEventsPerStream;
          const int64_t last = std::min(n, first + kEventsPerStream);
          engagementpb::RecordEngagementEventsResponse response;
          auto context = Context(token, absl::Minutes(10));
          auto writer = stub->RecordEngagementEvents(context.get(), &response);
          for (int64_t m = first; m < last; m += kEventsPerMessage) {
            engagementpb::RecordEngagementEventsRequest message;
            if (m == first)
              message.set_parent(absl::StrCat("organizations/", org_));
            for (int64_t i = m; i < std::min(last, m + kEventsPerMessage);
                 ++i) {
              Rng rng(Hash(seed_, 8, static_cast<uint64_t>(i)));
              const ShareInfo& share = shares_[rng.Below(shares_.size())];
              auto* e = message.add_events();
              e->set_event_id(absl::StrCat("bench-", seed_, "-", id_prefix, i));
              e->set_share(
                  absl::StrCat("organizations/", org_, "/shares/", share.id));
              // Mostly impressions, then reactions and clicks, few comments
              // and reshares.
              const double kind = rng.Unit();
              e->set_kind(kind < 0.6 ? engagementpb::EngagementEvent::IMPRESSION
                          : kind < 0.8 ? engagementpb::EngagementEvent::REACTION
                          : kind < 0.95 ? engagementpb::EngagementEvent::CLICK
                          : kind < 0.98
                              ? engagementpb::EngagementEvent::COMMENT
                              : engagementpb::EngagementEvent::RESHARE);
              e->set_count(1);
              const int64_t occurred =
                  share.time_us +
                  static_cast<int64_t>(
                      rng.Unit() * static_cast<double>(now_us - share.time_us));
              *e->mutable_occurred_time() =
                  TimeUtil::MicrosecondsToTimestamp(occurred);
            }
            if (!writer->Write(message)) break;  // Finish says why
          }
          writer->WritesDone();
          Check(writer->Finish(), "RecordEngagementEvents");
          if (response.errors_size() > 0) {
            Die(absl::StrCat("event ", response.errors(0).event_id(),
                             " rejected: ", response.errors(0).field(), ": ",
                             response.errors(0).reason()));
          }
          recorded += response.recorded();
          duplicates += response.duplicates();
          const int64_t d = ++done_streams;
          if (d % 10 == 0 || d == streams)
            Progress("events", recorded.load(), n, start);
        });
    event_count_ = recorded.load();
    Report("events (RecordEngagementEvents)", n, start);
    std::printf(
        "  events: %lld recorded, %lld duplicates, %.0f events/s over %lld "
        "streams\n",
        static_cast<long long>(recorded.load()),
        static_cast<long long>(duplicates.load()),
        static_cast<double>(n) / stages.back().seconds,
        static_cast<long long>(streams));
  }

  int64_t AuditSequence() {
    if (transparency_pool_ == nullptr)
      transparency_pool_ = MakePool("transparency", 1);
    absl::StatusOr<db::PooledConnection> connection =
        transparency_pool_->Borrow();
    Check(connection.status(), "transparency database");
    absl::StatusOr<int64_t> sequence =
        db::Run("audit head", *connection,
                [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                  std::unique_ptr<sql::PreparedStatement> select(
                      c.raw().prepareStatement(
                          "SELECT audit_sequence FROM organization_heads WHERE "
                          "organization_id = ?"));
                  select->setString(1, org_);
                  std::unique_ptr<sql::ResultSet> row(select->executeQuery());
                  return row->next() ? row->getInt64(1) : 0;
                });
    Check(sequence.status(), "audit head");
    return *sequence;
  }

  void WriteManifest() {
    Dataset d;
    d.seed = seed_;
    d.organization_id = org_;
    d.admin_staff_id = admin_id_;
    for (size_t i : reviewers_) {
      if (i != 0) d.reviewer_staff_ids.push_back(staff_ids_[i]);
    }
    // Every k-th, so the samples spread over the whole organization.
    const size_t step_e = std::max<size_t>(
        1, (sharing_authors_.size() + kEmployeeSample - 1) / kEmployeeSample);
    for (size_t k = 0; k < sharing_authors_.size(); k += step_e) {
      d.employee_staff_ids.push_back(staff_ids_[sharing_authors_[k]]);
    }
    d.value_ids = value_ids_;
    for (const StoryInfo& s : stories_) d.story_ids.push_back(s.id);
    const size_t step_s =
        std::max<size_t>(1, (shares_.size() + kShareSample - 1) / kShareSample);
    for (size_t k = 0; k < shares_.size(); k += step_s)
      d.share_ids.push_back(shares_[k].id);
    d.staff_count = static_cast<uint64_t>(n_staff_);
    d.value_count = value_ids_.size();
    d.story_count = stories_.size();
    d.post_count = static_cast<uint64_t>(post_count_);
    d.audit_entry_count = static_cast<uint64_t>(AuditSequence());
    d.engagement_event_count = static_cast<uint64_t>(event_count_);
    const std::string path = absl::GetFlag(FLAGS_dataset);
    Check(WriteDataset(d, path), "write manifest");
    std::printf(
        "manifest: %s (%zu employees, %zu reviewers, %zu shares sampled; "
        "%llu audit entries)\n",
        path.c_str(), d.employee_staff_ids.size(), d.reviewer_staff_ids.size(),
        d.share_ids.size(),
        static_cast<unsigned long long>(d.audit_entry_count));
  }

  uint64_t seed_ = 1;
  std::string org_, company_, domain_, secret_;
  int64_t n_staff_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<staffpb::StaffService::Stub> staff_;
  std::string operator_token_, admin_token_, admin_id_;
  std::vector<std::string> staff_ids_;  // by staff index
  absl::flat_hash_map<std::string, size_t> staff_index_;
  std::vector<size_t> reviewers_, advocates_, sharing_authors_;
  std::vector<std::string> value_ids_;
  std::vector<StoryInfo> stories_;
  std::vector<ShareInfo> shares_;
  int64_t post_count_ = 0, event_count_ = 0;
  std::unique_ptr<db::Pool> staff_pool_, advocacy_pool_, transparency_pool_,
      engagement_pool_;
};

}  // namespace
}  // namespace candor::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Loads the benchmark dataset into a running Candor and writes its "
      "manifest.");
  absl::ParseCommandLine(argc, argv);
  return candor::bench::DataGen().Main();
}
