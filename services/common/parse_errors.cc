#include "services/common/parse_errors.h"

#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace candor {
namespace {

// The field named by the last UTF-8 parse error on this thread.
thread_local std::string last_invalid_utf8_field;

// protobuf writes: String field 'candor.staff.v1.StaffMember.display_name'
// contains invalid UTF-8 data when parsing a protocol buffer. ...
void CaptureLog(google::protobuf::LogLevel level, const char* filename,
                int line, const std::string& message) {
  static const std::string kPrefix = "String field '";
  const size_t start = message.find(kPrefix);
  if (start != std::string::npos &&
      absl::StrContains(message, "invalid UTF-8 data when parsing")) {
    const size_t from = start + kPrefix.size();
    const size_t end = message.find('\'', from);
    if (end != std::string::npos) {
      last_invalid_utf8_field = message.substr(from, end - from);
      return;  // reported to the client instead
    }
  }
  static const char* const kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  std::fprintf(stderr, "[libprotobuf %s %s:%d] %s\n",
               kLevels[static_cast<int>(level) & 3], filename, line,
               message.c_str());
}

// "candor.staff.v1.StaffMember.display_name" -> "StaffMember.display_name":
// the message and field, without the package every client already knows.
std::string FieldOf(const std::string& full_name) {
  const size_t field_dot = full_name.rfind('.');
  if (field_dot == std::string::npos || field_dot == 0) return full_name;
  const size_t type_dot = full_name.rfind('.', field_dot - 1);
  return type_dot == std::string::npos ? full_name
                                       : full_name.substr(type_dot + 1);
}

class ParseErrorInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      message_ = TakeParseErrorOnThisThread();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS) &&
        !message_.empty()) {
      methods->ModifySendStatus(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message_));
    }
    methods->Proceed();
  }

 private:
  std::string message_;  // set when the request did not parse
};

class ParseErrorInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Only a unary request's missing message means it did not parse; a
    // stream's last receive carries no message because the stream ended.
    if (info->type() != grpc::experimental::ServerRpcInfo::Type::UNARY) {
      return nullptr;
    }
    return new ParseErrorInterceptor();
  }
};

}  // namespace

void InstallParseErrorCapture() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&CaptureLog); });
}

std::string TakeParseErrorOnThisThread() {
  std::string field = std::move(last_invalid_utf8_field);
  last_invalid_utf8_field.clear();
  if (field.empty()) return "request: not a valid message";
  return absl::StrCat(FieldOf(field), ": not valid UTF-8");
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeParseErrorInterceptorFactory() {
  return std::make_unique<ParseErrorInterceptorFactory>();
}

}  // namespace candor
