// Calls any method of a service by its protobuf descriptor, with a request
// built as a plain protobuf message: what lets one table cover every method
// of every service (tests/authorization_matrix_test.cc) without a typed stub
// per service. Unary, client-streaming (the request is sent as the one
// message of the stream) and server-streaming methods (see CallMethod).
// Thread-safe: every call has its own context.
#ifndef CANDOR_TESTS_SUPPORT_GENERIC_CALL_H_
#define CANDOR_TESTS_SUPPORT_GENERIC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace candor::testing {

struct GenericCallResult {
  grpc::Status status;
  // The response (the first streamed one for server streaming; null when the
  // stream sent none). Always of the method's output type when set.
  std::unique_ptr<google::protobuf::Message> response;
};

// Calls `method` over `channel` with `request` (of the method's input type)
// and `token` as bearer token (none when empty), with a 10 s deadline.
//
// A server-streaming call that is refused ends at once with its status; one
// that is accepted may stay open with nothing to send (a notification
// stream): it counts as OK once it sends its first message or is still open
// after `stream_open_wait`, and is then cancelled.
GenericCallResult CallMethod(const std::shared_ptr<grpc::Channel>& channel,
                             const google::protobuf::MethodDescriptor& method,
                             const google::protobuf::Message& request,
                             const std::string& token,
                             int stream_open_wait_ms = 1500);

// The .proto files of the source tree (proto/...), as the descriptor pool
// names them ("candor/staff/v1/staff.proto"), sorted.
std::vector<std::string> SourceProtoFiles();

// Every method of every service the files named declare, from the generated
// descriptor pool, for the files whose package starts with `package_prefix`.
// Files not linked into the binary (not in the pool) go to `missing`.
std::vector<const google::protobuf::MethodDescriptor*> MethodsOfPackages(
    const std::string& package_prefix,
    const std::vector<std::string>& proto_files,
    std::vector<std::string>* missing);

// A fresh, empty request message for `method`.
std::unique_ptr<google::protobuf::Message> NewRequest(
    const google::protobuf::MethodDescriptor& method);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_GENERIC_CALL_H_
