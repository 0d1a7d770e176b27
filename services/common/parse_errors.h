// Turns "the request could not be parsed" into INVALID_ARGUMENT naming the
// field, instead of what gRPC 1.51's callback API answers by itself
// (UNIMPLEMENTED with an empty message, grpc/grpc#30454).
//
// The usual cause is a proto3 string field holding invalid UTF-8: clients in
// most languages cannot send one, but C++ clients only log and send it. The
// protobuf parser refuses the message before any handler runs and reports
// the field only in a log line, so InstallParseErrorCapture() routes
// protobuf's log through a handler that remembers, per thread, the field of
// the last such error; the server interceptor made by
// MakeParseErrorInterceptorFactory() reads it on the thread that parsed the
// request and rewrites the call's status. Unary calls only: a client
// stream's messages are read by its reactor, which sees a bad one as the
// end of the stream.
//
// Thread-safe once installed; install once, before serving.
#ifndef CANDOR_SERVICES_COMMON_PARSE_ERRORS_H_
#define CANDOR_SERVICES_COMMON_PARSE_ERRORS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

namespace candor {

// Routes protobuf's log through Candor's handler (which still prints
// everything but the UTF-8 parse errors it captures). Idempotent.
void InstallParseErrorCapture();

// The status message for a request that failed to parse on this thread:
// "staff_member.display_name: not valid UTF-8" when the field is known.
std::string TakeParseErrorOnThisThread();

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeParseErrorInterceptorFactory();

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_PARSE_ERRORS_H_
