// candor.advocacy.v1.AdvocacyService: the gRPC edge of the advocacy service.
// Each handler authorizes (role, organization, visibility), validates every
// field, maps protos to domain records (story.h), and calls the repository;
// blocking work runs on the service's bounded executor (services/common/
// call.h). Values a story names are checked through the values service and
// an employee's department is read through the staff service, both on the
// caller's own credentials (internal_call.h): advocacy reads no other
// service's tables.
//
// Thread-safe: handlers share only immutable state, the repository and the
// stubs (set once by SetDependencies before serving).
#ifndef CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
#define CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/advocacy/advocacy_repository.h"
#include "services/advocacy/story.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"

namespace candor::advocacy {

namespace v1 = ::candor::advocacy::v1;

class AdvocacyService final : public v1::AdvocacyService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.advocacy.v1.AdvocacyService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                  const PageTokenCodec* page_tokens);

  // What advocacy calls: other services (in-process or remote channels)
  // and its own credentials for calls it makes as itself.
  struct Dependencies {
    std::shared_ptr<grpc::Channel> staff;
    std::shared_ptr<grpc::Channel> values;
    std::shared_ptr<grpc::Channel> transparency;
    ServiceTokenSource* service_tokens = nullptr;  // not owned
  };
  // Set once, before the service is marked SERVING.
  void SetDependencies(const Dependencies& dependencies);

  grpc::ServerUnaryReactor* CreateStory(grpc::CallbackServerContext* context,
                                        const v1::CreateStoryRequest* request,
                                        v1::Story* response) override;
  grpc::ServerUnaryReactor* GetStory(grpc::CallbackServerContext* context,
                                     const v1::GetStoryRequest* request,
                                     v1::Story* response) override;
  grpc::ServerUnaryReactor* ListStories(
      grpc::CallbackServerContext* context,
      const v1::ListStoriesRequest* request,
      v1::ListStoriesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStory(grpc::CallbackServerContext* context,
                                        const v1::UpdateStoryRequest* request,
                                        v1::Story* response) override;
  grpc::ServerUnaryReactor* ArchiveStory(grpc::CallbackServerContext* context,
                                         const v1::ArchiveStoryRequest* request,
                                         v1::Story* response) override;

 private:
  absl::Status DoCreateStory(const Caller& caller,
                             const v1::CreateStoryRequest& request,
                             v1::Story* response);
  absl::Status DoGetStory(const Caller& caller,
                          const v1::GetStoryRequest& request,
                          v1::Story* response);
  absl::Status DoListStories(const Caller& caller,
                             const v1::ListStoriesRequest& request,
                             v1::ListStoriesResponse* response);
  absl::Status DoUpdateStory(const Caller& caller,
                             const v1::UpdateStoryRequest& request,
                             v1::Story* response);
  absl::Status DoArchiveStory(const Caller& caller,
                              const v1::ArchiveStoryRequest& request,
                              v1::Story* response);

  // OK when every referenced value exists and is ACTIVE, asked of the values
  // service as `caller`. INVALID_ARGUMENT naming `<field>[i]` for a missing
  // or retired value; UNAVAILABLE when the values service cannot answer.
  absl::Status CheckValuesActive(const Caller& caller, const std::string& org,
                                 const std::vector<ValueReference>& values,
                                 absl::string_view field);
  // The caller's department, asked of the staff service as the caller (a
  // person may read themself). PERMISSION_DENIED when the caller is no
  // staff member of `org`.
  absl::StatusOr<std::string> DepartmentOf(const Caller& caller,
                                           const std::string& org);

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  AdvocacyRepository repository_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  std::unique_ptr<values::v1::ValuesService::Stub> values_;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> transparency_;
  ServiceTokenSource* service_tokens_ = nullptr;
};

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
