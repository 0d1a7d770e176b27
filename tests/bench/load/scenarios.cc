#include "tests/bench/load/scenarios.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "tests/bench/load/scenario_support.h"
#include "tests/bench/synthetic.h"

namespace candor::load {
namespace {

namespace apb = ::candor::advocacy::v1;
namespace spb = ::candor::staff::v1;
namespace tpb = ::candor::transparency::v1;
namespace vpb = ::candor::values::v1;

// Offsets into the synthetic corpus, far beyond what candor_datagen loads,
// so texts written here are new rather than copies of loaded posts.
constexpr uint64_t kEvaluateTextOffset = 3'000'000'000;
constexpr uint64_t kMixedTextOffset = 4'000'000'000;
constexpr uint64_t kSubmitTextOffset = 5'000'000'000;

// How many distinct prepared requests a read scenario cycles through:
// enough that callers and targets vary, small enough to build in a blink.
constexpr int kPreparedOps = 4096;

const std::string kHealthCheck = "/grpc.health.v1.Health/Check";
const std::string kGetStaffMember =
    "/candor.staff.v1.StaffService/GetStaffMember";
const std::string kListStaffMembers =
    "/candor.staff.v1.StaffService/ListStaffMembers";
const std::string kListFeed = "/candor.advocacy.v1.AdvocacyService/ListFeed";
const std::string kGetPost = "/candor.advocacy.v1.AdvocacyService/GetPost";
const std::string kGetStory = "/candor.advocacy.v1.AdvocacyService/GetStory";
const std::string kCreatePost =
    "/candor.advocacy.v1.AdvocacyService/CreatePost";
const std::string kSubmitPost =
    "/candor.advocacy.v1.AdvocacyService/SubmitPost";
const std::string kListValues = "/candor.values.v1.ValuesService/ListValues";
const std::string kEndorseValue =
    "/candor.values.v1.ValuesService/EndorseValue";
const std::string kUnendorseValue =
    "/candor.values.v1.ValuesService/UnendorseValue";
const std::string kCreateValueFeedback =
    "/candor.values.v1.ValuesService/CreateValueFeedback";
const std::string kEvaluatePost =
    "/candor.transparency.v1.TransparencyService/EvaluatePost";

// ---------------------------------------------------------------------------
// Prepared unary calls, cycled through in order.

struct UnaryOp {
  int method = 0;
  grpc::ByteBuffer request;
  const std::string* auth = nullptr;  // owned by the LoadContext
};

class UnaryPoolScenario : public Scenario {
 public:
  // `paths[i]` is the gRPC path of method `names[i]`.
  UnaryPoolScenario(std::vector<std::string> names,
                    std::vector<const std::string*> paths,
                    std::vector<UnaryOp> ops)
      : names_(std::move(names)),
        paths_(std::move(paths)),
        ops_(std::move(ops)) {}

  std::vector<std::string> MethodNames() const override { return names_; }

  void Start(Connection& connection, Completion* done) override {
    const UnaryOp& op =
        ops_[next_.fetch_add(1, std::memory_order_relaxed) % ops_.size()];
    CallUnary(connection, *paths_[op.method], op.request, *op.auth, op.method,
              nullptr, done);
  }

 private:
  const std::vector<std::string> names_;
  const std::vector<const std::string*> paths_;
  const std::vector<UnaryOp> ops_;
  std::atomic<uint64_t> next_{0};
};

// ---------------------------------------------------------------------------
// What the read and write scenarios draw on, read once from the server.

struct Person {
  std::string id;
  std::string department;
  std::vector<size_t> visible_stories;  // indexes into Directory::stories
};

struct StoryInfo {
  std::string name;
  std::vector<std::string> audience;
  tpb::StoryContext context;
};

struct Directory {
  std::string company;
  std::vector<Person> employees;
  std::vector<StoryInfo> stories;
  std::vector<std::string> value_names;
  std::vector<std::string> approved_posts;
};

// Reads what the manifest lists: departments of (at most 500) sample
// employees, so each person is given stories they may see, the stories'
// content for PostContent, and a page of approved posts for GetPost.
absl::StatusOr<Directory> LoadDirectory(LoadContext& context) {
  const bench::Dataset& dataset = context.dataset();
  if (dataset.employee_staff_ids.empty()) {
    return absl::FailedPreconditionError(
        "the dataset manifest lists no employee_staff_ids");
  }
  Directory directory;
  auto staff = spb::StaffService::NewStub(context.setup_channel());
  auto advocacy = apb::AdvocacyService::NewStub(context.setup_channel());
  const std::string& admin = context.AdminAuth();

  spb::Organization organization;
  {
    spb::GetOrganizationRequest request;
    request.set_name(context.org_name());
    auto ctx = context.SetupContext(admin);
    absl::Status status =
        FromGrpc(staff->GetOrganization(ctx.get(), request, &organization),
                 absl::StrCat("GetOrganization ", context.org_name()));
    if (!status.ok()) return status;
  }
  directory.company = organization.display_name();

  for (const std::string& id : dataset.story_ids) {
    if (directory.stories.size() >= 200) break;
    apb::GetStoryRequest request;
    request.set_name(absl::StrCat(context.org_name(), "/stories/", id));
    apb::Story story;
    auto ctx = context.SetupContext(admin);
    grpc::Status status = advocacy->GetStory(ctx.get(), request, &story);
    if (!status.ok() || story.state() != apb::Story::ACTIVE) continue;
    StoryInfo info;
    info.name = story.name();
    info.audience.assign(story.audience_departments().begin(),
                         story.audience_departments().end());
    info.context.set_name(story.name());
    info.context.set_summary(story.summary());
    *info.context.mutable_talking_points() = story.talking_points();
    info.context.set_url(story.url());
    info.context.set_incentivized(story.incentivized());
    directory.stories.push_back(std::move(info));
  }

  for (const std::string& id : dataset.employee_staff_ids) {
    if (directory.employees.size() >= 500) break;
    spb::GetStaffMemberRequest request;
    request.set_name(context.StaffName(id));
    spb::StaffMember member;
    auto ctx = context.SetupContext(admin);
    absl::Status status =
        FromGrpc(staff->GetStaffMember(ctx.get(), request, &member),
                 absl::StrCat("GetStaffMember ", request.name()));
    if (!status.ok()) return status;
    Person person;
    person.id = id;
    person.department = member.department();
    for (size_t s = 0; s < directory.stories.size(); ++s) {
      const auto& audience = directory.stories[s].audience;
      if (audience.empty() || std::find(audience.begin(), audience.end(),
                                        person.department) != audience.end()) {
        person.visible_stories.push_back(s);
      }
    }
    directory.employees.push_back(std::move(person));
  }

  for (const std::string& id : dataset.value_ids) {
    directory.value_names.push_back(
        absl::StrCat(context.org_name(), "/values/", id));
  }

  {
    apb::ListPostsRequest request;
    request.set_parent(context.org_name());
    request.set_filter("state = APPROVED");
    request.set_page_size(1000);
    apb::ListPostsResponse response;
    auto ctx = context.SetupContext(admin);
    absl::Status status = FromGrpc(
        advocacy->ListPosts(ctx.get(), request, &response), "ListPosts");
    if (!status.ok()) return status;
    for (const apb::Post& post : response.posts()) {
      directory.approved_posts.push_back(post.name());
    }
  }
  return directory;
}

// A story `person` may see, or null (about half the time: many posts are
// about nothing the company suggested).
const StoryInfo* MaybeStory(const Directory& directory, const Person& person,
                            bench::Rng& rng) {
  if (person.visible_stories.empty() || rng.Below(2) == 0) return nullptr;
  return &directory.stories[person.visible_stories[rng.Below(
      person.visible_stories.size())]];
}

// ---------------------------------------------------------------------------
// health

class HealthScenario : public Scenario {
 public:
  HealthScenario() {
    // HealthCheckRequest{service: ""} serializes to zero bytes.
    grpc::Slice empty("");
    request_ = grpc::ByteBuffer(&empty, 1);
  }
  std::vector<std::string> MethodNames() const override { return {"Check"}; }
  void Start(Connection& connection, Completion* done) override {
    CallUnary(connection, kHealthCheck, request_, auth_, 0, nullptr, done);
  }

 private:
  grpc::ByteBuffer request_;
  // Health needs no token; an empty header keeps one call path for all.
  const std::string auth_;
};

// ---------------------------------------------------------------------------
// get_staff, list_feed, evaluate_post

std::unique_ptr<Scenario> MakeGetStaff(LoadContext& context) {
  const auto& ids = context.dataset().employee_staff_ids;
  bench::Rng rng(context.seed() ^ 0x6765745f7374ULL);
  std::vector<UnaryOp> ops;
  for (int i = 0; i < kPreparedOps; ++i) {
    const std::string& id = ids[rng.Below(ids.size())];
    spb::GetStaffMemberRequest request;
    request.set_name(context.StaffName(id));
    UnaryOp op;
    op.request = Serialize(request);
    // Mostly people reading their own profile; one call in five is an
    // admin looking someone up (sees private fields, same query).
    op.auth =
        rng.Below(5) == 0 ? &context.AdminAuth() : &context.EmployeeAuth(id);
    ops.push_back(std::move(op));
  }
  return std::make_unique<UnaryPoolScenario>(
      std::vector<std::string>{"GetStaffMember"},
      std::vector<const std::string*>{&kGetStaffMember}, std::move(ops));
}

std::unique_ptr<Scenario> MakeListFeed(LoadContext& context) {
  const auto& ids = context.dataset().employee_staff_ids;
  bench::Rng rng(context.seed() ^ 0x666565644cULL);
  apb::ListFeedRequest request;
  request.set_parent(context.org_name());
  request.set_page_size(20);
  const grpc::ByteBuffer bytes = Serialize(request);
  std::vector<UnaryOp> ops;
  for (int i = 0; i < kPreparedOps; ++i) {
    UnaryOp op;
    op.request = bytes;
    op.auth = &context.EmployeeAuth(ids[rng.Below(ids.size())]);
    ops.push_back(std::move(op));
  }
  return std::make_unique<UnaryPoolScenario>(
      std::vector<std::string>{"ListFeed"},
      std::vector<const std::string*>{&kListFeed}, std::move(ops));
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeEvaluatePost(
    LoadContext& context) {
  absl::StatusOr<Directory> directory = LoadDirectory(context);
  if (!directory.ok()) return directory.status();
  bench::Rng rng(context.seed() ^ 0x6576616cULL);
  std::vector<UnaryOp> ops;
  // Filled as advocacy fills PostContent on SubmitPost (ContentOf): the
  // author, network, text, link and the story's context; no post name,
  // since a dry run is of a post not yet written.
  for (int i = 0; i < 2048; ++i) {
    const Person& person =
        directory->employees[rng.Below(directory->employees.size())];
    tpb::EvaluatePostRequest request;
    request.set_parent(context.org_name());
    tpb::PostContent* content = request.mutable_post();
    content->set_author(context.StaffName(person.id));
    content->set_network(common::v1::LINKEDIN);
    content->set_text(bench::DisclosedPostText(
        context.seed(), kEvaluateTextOffset + static_cast<uint64_t>(i),
        directory->company));
    if (const StoryInfo* story = MaybeStory(*directory, person, rng)) {
      *content->mutable_story() = story->context;
      if (!story->context.url().empty()) {
        content->set_link_url(story->context.url());
      }
    }
    UnaryOp op;
    op.request = Serialize(request);
    op.auth = &context.EmployeeAuth(person.id);
    ops.push_back(std::move(op));
  }
  return std::unique_ptr<Scenario>(new UnaryPoolScenario(
      {"EvaluatePost"}, {&kEvaluatePost}, std::move(ops)));
}

// ---------------------------------------------------------------------------
// mixed: 90% reads, 10% writes, as staff use the product.

absl::StatusOr<std::unique_ptr<Scenario>> MakeMixed(LoadContext& context) {
  absl::StatusOr<Directory> directory = LoadDirectory(context);
  if (!directory.ok()) return directory.status();
  enum Method {
    kFeed,
    kStaff,
    kPost,
    kValues,
    kStory,
    kCreate,
    kEndorse,
    kUnendorse,
    kFeedback,
    kMethodCount
  };
  const std::vector<std::string> names = {
      "ListFeed",     "GetStaffMember", "GetPost",
      "ListValues",   "GetStory",       "CreatePost",
      "EndorseValue", "UnendorseValue", "CreateValueFeedback"};
  const std::vector<const std::string*> paths = {
      &kListFeed,     &kGetStaffMember, &kGetPost,
      &kListValues,   &kGetStory,       &kCreatePost,
      &kEndorseValue, &kUnendorseValue, &kCreateValueFeedback};
  // Per mille: reads 18% each, writes 4% + 2% + 2% + 2%.
  const std::array<int, kMethodCount> weights = {180, 180, 180, 180, 180,
                                                 40,  20,  20,  20};
  const Directory& d = *directory;
  bench::Rng rng(context.seed() ^ 0x6d69786564ULL);
  std::vector<UnaryOp> ops;
  int attempts = 0;
  while (ops.size() < 8192 && ++attempts < 100000) {
    int pick = static_cast<int>(rng.Below(1000));
    int method = 0;
    while (pick >= weights[method]) pick -= weights[method++];
    const Person& person = d.employees[rng.Below(d.employees.size())];
    UnaryOp op;
    op.method = method;
    op.auth = &context.EmployeeAuth(person.id);
    switch (method) {
      case kFeed: {
        apb::ListFeedRequest r;
        r.set_parent(context.org_name());
        r.set_page_size(20);
        op.request = Serialize(r);
        break;
      }
      case kStaff: {
        spb::GetStaffMemberRequest r;
        r.set_name(
            context.StaffName(d.employees[rng.Below(d.employees.size())].id));
        op.request = Serialize(r);
        break;
      }
      case kPost: {
        if (d.approved_posts.empty()) continue;
        apb::GetPostRequest r;
        r.set_name(d.approved_posts[rng.Below(d.approved_posts.size())]);
        op.request = Serialize(r);
        break;
      }
      case kValues: {
        vpb::ListValuesRequest r;
        r.set_parent(context.org_name());
        op.request = Serialize(r);
        break;
      }
      case kStory: {
        if (person.visible_stories.empty()) continue;
        apb::GetStoryRequest r;
        r.set_name(d.stories[person.visible_stories[rng.Below(
                                 person.visible_stories.size())]]
                       .name);
        op.request = Serialize(r);
        break;
      }
      case kCreate: {
        // No request_id: every call of a recycled request is a new post.
        apb::CreatePostRequest r;
        r.set_parent(context.org_name());
        apb::Post* post = r.mutable_post();
        post->set_network(common::v1::LINKEDIN);
        post->set_text(bench::DisclosedPostText(
            context.seed(), kMixedTextOffset + ops.size(), d.company));
        if (const StoryInfo* story = MaybeStory(d, person, rng)) {
          post->set_story(story->name);
        }
        op.request = Serialize(r);
        break;
      }
      case kEndorse:
      case kUnendorse: {
        if (d.value_names.empty()) continue;
        const std::string& value =
            d.value_names[rng.Below(d.value_names.size())];
        if (method == kEndorse) {
          vpb::EndorseValueRequest r;
          r.set_name(value);
          op.request = Serialize(r);
        } else {
          vpb::UnendorseValueRequest r;
          r.set_name(value);
          op.request = Serialize(r);
        }
        break;
      }
      case kFeedback: {
        if (d.value_names.empty()) continue;
        vpb::CreateValueFeedbackRequest r;
        r.set_parent(d.value_names[rng.Below(d.value_names.size())]);
        r.mutable_feedback()->set_text(
            bench::GenerateText(rng, 40 + rng.Below(300)));
        r.mutable_feedback()->set_anonymous(rng.Below(3) == 0);
        op.request = Serialize(r);
        break;
      }
      default:
        continue;
    }
    ops.push_back(std::move(op));
  }
  return std::unique_ptr<Scenario>(
      new UnaryPoolScenario(names, paths, std::move(ops)));
}

// ---------------------------------------------------------------------------
// submit_post: drafts made beforehand, each submitted once in the run.

class SubmitPostScenario : public Scenario {
 public:
  struct Draft {
    grpc::ByteBuffer request;
    const std::string* auth;
  };

  explicit SubmitPostScenario(std::vector<Draft> drafts)
      : drafts_(std::move(drafts)) {
    hook_ = [this](const grpc::ByteBuffer& bytes, bool measured) -> int64_t {
      if (!measured) return 0;
      apb::SubmitPostResponse response;
      int outcome = Parse(bytes, response)
                        ? static_cast<int>(response.decision().outcome())
                        : 0;
      if (outcome < 0 || outcome >= static_cast<int>(outcomes_.size())) {
        outcome = 0;
      }
      outcomes_[static_cast<size_t>(outcome)].fetch_add(1);
      return 0;
    };
  }

  std::vector<std::string> MethodNames() const override {
    return {"SubmitPost"};
  }

  bool Exhausted() const override {
    return next_.load(std::memory_order_relaxed) >= drafts_.size();
  }

  void Start(Connection& connection, Completion* done) override {
    const size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= drafts_.size()) {
      // Raced past the last draft; reported as a client-side error.
      done->Finish(grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                                "no prepared draft left"));
      return;
    }
    CallUnary(connection, kSubmitPost, drafts_[i].request, *drafts_[i].auth, 0,
              hook_, done);
  }

  void WriteFields(const RunResult& /*result*/,
                   JsonWriter& out) const override {
    out.Int("drafts_prepared", static_cast<int64_t>(drafts_.size()));
    out.Bool("drafts_exhausted", Exhausted());
    out.BeginObject("outcomes")
        .Int("APPROVED", outcomes_[tpb::APPROVED].load())
        .Int("NEEDS_REVIEW", outcomes_[tpb::NEEDS_REVIEW].load())
        .Int("REJECTED", outcomes_[tpb::REJECTED].load())
        .Int("UNSPECIFIED", outcomes_[0].load())
        .EndObject();
  }

 private:
  const std::vector<Draft> drafts_;
  std::atomic<size_t> next_{0};
  std::array<std::atomic<int64_t>, 4> outcomes_{};
  ResponseHook hook_;
};

absl::StatusOr<std::unique_ptr<Scenario>> MakeSubmitPost(
    LoadContext& context, const RunOptions& options) {
  absl::StatusOr<Directory> directory = LoadDirectory(context);
  if (!directory.ok()) return directory.status();
  int count = context.flags().posts;
  if (count <= 0) {
    // Open loop: every scheduled call plus a margin. Closed loop: a guess
    // at what the server can decide in the run; if the run uses them up,
    // the report says so (drafts_exhausted) and --posts asks for more.
    count = options.rate > 0
                ? static_cast<int>(
                      options.rate *
                      absl::ToDoubleSeconds(options.warmup + options.duration) *
                      1.1) +
                      100
                : 3000;
  }
  // A per-run offset: texts of an earlier run are already published and
  // would make these near-duplicates.
  const uint64_t offset =
      kSubmitTextOffset +
      static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now()) % 100000) * 100000;
  std::fprintf(stderr, "candor_load: creating %d draft posts...\n", count);

  std::vector<SubmitPostScenario::Draft> drafts(static_cast<size_t>(count));
  // Tokens are minted here, on this thread; the workers only read them.
  std::vector<const std::string*> auths(drafts.size());
  std::vector<apb::CreatePostRequest> requests(drafts.size());
  bench::Rng rng(context.seed() ^ offset);
  for (size_t i = 0; i < drafts.size(); ++i) {
    const Person& person =
        directory->employees[rng.Below(directory->employees.size())];
    auths[i] = &context.EmployeeAuth(person.id);
    apb::CreatePostRequest& request = requests[i];
    request.set_parent(context.org_name());
    request.mutable_post()->set_network(common::v1::LINKEDIN);
    request.mutable_post()->set_text(bench::DisclosedPostText(
        context.seed(), offset + i, directory->company));
    if (const StoryInfo* story = MaybeStory(*directory, person, rng)) {
      request.mutable_post()->set_story(story->name);
    }
  }
  // Untimed, so plain blocking calls on a few threads are enough.
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  absl::Status failure;
  auto stub = apb::AdvocacyService::NewStub(context.setup_channel());
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < drafts.size(); i = next++) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
        ctx.AddMetadata("authorization", *auths[i]);
        apb::Post post;
        grpc::Status status = stub->CreatePost(&ctx, requests[i], &post);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          failure = FromGrpc(status, "CreatePost (preparing drafts)");
          next = drafts.size();
          return;
        }
        apb::SubmitPostRequest submit;
        submit.set_name(post.name());
        drafts[i].request = Serialize(submit);
        drafts[i].auth = auths[i];
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (!failure.ok()) return failure;
  return std::unique_ptr<Scenario>(new SubmitPostScenario(std::move(drafts)));
}

// ---------------------------------------------------------------------------
// list_staff_deep
//
// Why deep pages: with keyset pagination a page at depth 100 (rows 5,000 to
// 5,050) costs what page 1 costs; with OFFSET it would scan every row
// before it. Measuring page 1 would hide the difference, so before the run
// one walker follows next_page_token from the start to --min_depth and
// keeps the tokens of the next 64 pages. Each call then continues one of
// those 64 "virtual readers" (call i uses reader i mod 64) by a page; a
// reader that reaches the end starts again from its first deep token. Every
// measured page is thus at depth >= --min_depth. A manifest whose
// organization has fewer pages uses half its pages as the minimum depth and
// reports it (min_depth).

class ListStaffDeepScenario : public Scenario {
 public:
  ListStaffDeepScenario(std::string parent, const std::string* auth,
                        std::vector<std::string> tokens, int min_depth)
      : parent_(std::move(parent)),
        auth_(auth),
        start_tokens_(tokens),
        min_depth_(min_depth),
        current_(std::move(tokens)) {}

  std::vector<std::string> MethodNames() const override {
    return {"ListStaffMembers"};
  }

  void Start(Connection& connection, Completion* done) override {
    const size_t reader =
        next_.fetch_add(1, std::memory_order_relaxed) % current_.size();
    spb::ListStaffMembersRequest request;
    request.set_parent(parent_);
    request.set_page_size(50);
    {
      absl::MutexLock lock(&mu_);
      request.set_page_token(current_[reader]);
    }
    // The request depends on the previous page, so it is serialized here;
    // it is a small message and this is cheap next to the call.
    CallUnary(
        connection, kListStaffMembers, Serialize(request), *auth_, 0,
        [this, reader](const grpc::ByteBuffer& bytes, bool) -> int64_t {
          spb::ListStaffMembersResponse response;
          if (!Parse(bytes, response)) return 0;
          absl::MutexLock lock(&mu_);
          current_[reader] = response.next_page_token().empty()
                                 ? start_tokens_[reader]
                                 : response.next_page_token();
          return response.staff_members_size();
        },
        done);
  }

  void WriteFields(const RunResult& result, JsonWriter& out) const override {
    out.Int("min_depth", min_depth_);
    out.Int("page_size", 50);
    out.Int("rows_listed", result.total.units);
  }

 private:
  const std::string parent_;
  const std::string* auth_;
  const std::vector<std::string> start_tokens_;
  const int min_depth_;
  std::atomic<uint64_t> next_{0};
  absl::Mutex mu_;
  std::vector<std::string> current_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<Scenario>> MakeListStaffDeep(
    LoadContext& context) {
  auto staff = spb::StaffService::NewStub(context.setup_channel());
  const int wanted_depth = context.flags().min_depth;
  constexpr int kReaders = 64;
  std::vector<std::string> all_tokens;  // all_tokens[d]: the token of page d+1
  std::string token;
  std::fprintf(stderr, "candor_load: walking to page %d of the staff list...\n",
               wanted_depth);
  for (int depth = 0; depth < wanted_depth + kReaders - 1; ++depth) {
    spb::ListStaffMembersRequest request;
    request.set_parent(context.org_name());
    request.set_page_size(50);
    request.set_page_token(token);
    spb::ListStaffMembersResponse response;
    auto ctx = context.SetupContext(context.AdminAuth());
    absl::Status status =
        FromGrpc(staff->ListStaffMembers(ctx.get(), request, &response),
                 "ListStaffMembers (walking deep)");
    if (!status.ok()) return status;
    if (response.next_page_token().empty()) break;
    token = response.next_page_token();
    all_tokens.push_back(token);
  }
  if (all_tokens.empty()) {
    return absl::FailedPreconditionError(
        "the organization's staff list has a single page; nothing is deep");
  }
  // all_tokens[d] fetches page d + 2; the first measured page is
  // min_depth + 1, after min_depth pages (50 * min_depth rows) walked.
  int min_depth = std::max(1, wanted_depth);
  const int pages = static_cast<int>(all_tokens.size()) + 1;
  if (pages <= min_depth) {
    min_depth = std::max(1, pages / 2);
    std::fprintf(stderr, "candor_load: only %d pages; measuring from page %d\n",
                 pages, min_depth + 1);
  }
  std::vector<std::string> tokens(all_tokens.begin() + (min_depth - 1),
                                  all_tokens.end());
  std::vector<std::string> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.push_back(tokens[static_cast<size_t>(i) % tokens.size()]);
  }
  return std::unique_ptr<Scenario>(new ListStaffDeepScenario(
      context.org_name(), &context.AdminAuth(), std::move(readers), min_depth));
}

}  // namespace

// ---------------------------------------------------------------------------

std::unique_ptr<Scenario> MakeHealthScenario() {
  return std::make_unique<HealthScenario>();
}

bool IsRunnerScenario(const std::string& name) {
  return name == "health" || name == "get_staff" || name == "list_feed" ||
         name == "list_staff_deep" || name == "submit_post" ||
         name == "evaluate_post" || name == "record_events" || name == "mixed";
}

bool IsKnownScenario(const std::string& name) {
  return IsRunnerScenario(name) || name == "import_staff" ||
         name == "verify_audit";
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    const std::string& name, LoadContext& context, const RunOptions& options,
    std::vector<Connection>& connections) {
  if (name == "health") return MakeHealthScenario();
  if (name != "list_staff_deep" && name != "record_events" &&
      context.dataset().employee_staff_ids.empty()) {
    return absl::FailedPreconditionError(
        "the dataset manifest lists no employee_staff_ids");
  }
  if (name == "get_staff") return MakeGetStaff(context);
  if (name == "list_feed") return MakeListFeed(context);
  if (name == "evaluate_post") return MakeEvaluatePost(context);
  if (name == "mixed") return MakeMixed(context);
  if (name == "submit_post") return MakeSubmitPost(context, options);
  if (name == "list_staff_deep") return MakeListStaffDeep(context);
  if (name == "record_events") return MakeRecordEvents(context, connections);
  return absl::InvalidArgumentError(absl::StrCat("unknown scenario ", name));
}

}  // namespace candor::load
