// The full gRPC name of a method ("/candor.staff.v1.StaffService/
// GetStaffMember"), read from its request message's descriptor: every
// method has a request message of its own (docs/API.md), so the request
// type names the method. Handlers (call.h), idempotency keys and page-token
// scopes all take a method's name from here, so they cannot drift apart.
#ifndef CANDOR_SERVICES_COMMON_METHOD_NAME_H_
#define CANDOR_SERVICES_COMMON_METHOD_NAME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace candor {

// The name of the one method in `request`'s file that takes it as its
// request. Aborts when no method or more than one takes it: a handler
// wired to the wrong message is a programming error that the first call in
// any test shows.
std::string MethodNameOf(const google::protobuf::Descriptor& request);

// MethodNameOf for a generated request type, looked up once.
template <typename Request>
absl::string_view MethodName() {
  static const std::string* const name =
      new std::string(MethodNameOf(*Request::descriptor()));
  return *name;
}

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_METHOD_NAME_H_
