#include "tests/support/generic_call.h"

#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"

namespace candor::testing {
namespace {

using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::MethodDescriptor;

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      MessageFactory::generated_factory()->GetPrototype(type)->New());
}

std::unique_ptr<grpc::ClientContext> ContextWith(const std::string& token,
                                                 int deadline_ms) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(deadline_ms));
  return context;
}

}  // namespace

std::unique_ptr<Message> NewRequest(const MethodDescriptor& method) {
  return NewMessage(method.input_type());
}

GenericCallResult CallMethod(const std::shared_ptr<grpc::Channel>& channel,
                             const MethodDescriptor& method,
                             const Message& request, const std::string& token,
                             int stream_open_wait_ms) {
  // "/package.Service/Method"; RpcMethod keeps a pointer to the text.
  const std::string path =
      absl::StrCat("/", method.service()->full_name(), "/", method.name());
  GenericCallResult result;
  result.response = NewMessage(method.output_type());

  if (method.client_streaming() && method.server_streaming()) {
    result.status =
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                     "bidirectional methods are not supported here");
    return result;
  }
  if (method.client_streaming()) {
    const grpc::internal::RpcMethod rpc(
        path.c_str(), grpc::internal::RpcMethod::CLIENT_STREAMING, channel);
    auto context = ContextWith(token, 10000);
    std::unique_ptr<grpc::ClientWriter<Message>> writer(
        grpc::internal::ClientWriterFactory<Message>::Create(
            channel.get(), rpc, context.get(), result.response.get()));
    writer->Write(request);  // false when the server already answered
    writer->WritesDone();
    result.status = writer->Finish();
    return result;
  }
  if (method.server_streaming()) {
    const grpc::internal::RpcMethod rpc(
        path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING, channel);
    auto context = ContextWith(token, stream_open_wait_ms);
    std::unique_ptr<grpc::ClientReader<Message>> reader(
        grpc::internal::ClientReaderFactory<Message>::Create(
            channel.get(), rpc, context.get(), request));
    const bool got_one = reader->Read(result.response.get());
    if (got_one) context->TryCancel();
    Message* ignored = result.response->New();
    while (reader->Read(ignored)) {
    }
    delete ignored;
    const grpc::Status finished = reader->Finish();
    // Accepted: it sent something, or it was still open when our wait ran
    // out. A refused stream ends at once with its own code.
    const bool stayed_open =
        finished.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    result.status = got_one || stayed_open ? grpc::Status::OK : finished;
    if (!got_one) result.response.reset();
    return result;
  }
  const grpc::internal::RpcMethod rpc(
      path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, channel);
  auto context = ContextWith(token, 10000);
  result.status = grpc::internal::BlockingUnaryCall<Message, Message>(
      channel.get(), rpc, context.get(), request, result.response.get());
  return result;
}

std::vector<std::string> SourceProtoFiles() {
  const std::filesystem::path root =
      std::filesystem::path(CANDOR_SOURCE_DIR) / "proto";
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".proto") {
      files.push_back(entry.path().lexically_relative(root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<const MethodDescriptor*> MethodsOfPackages(
    const std::string& package_prefix,
    const std::vector<std::string>& proto_files,
    std::vector<std::string>* missing) {
  std::vector<const MethodDescriptor*> methods;
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& file_name : proto_files) {
    const google::protobuf::FileDescriptor* file =
        pool->FindFileByName(file_name);
    if (file == nullptr) {
      missing->push_back(file_name);
      continue;
    }
    if (!absl::StartsWith(file->package(), package_prefix)) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.push_back(service->method(m));
      }
    }
  }
  return methods;
}

}  // namespace candor::testing
