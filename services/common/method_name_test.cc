#include "services/common/method_name.h"

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"

namespace candor {
namespace {

// A file with two services, as protoc would describe it.
class MethodNameOfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto file;
    file.set_name("example.proto");
    file.set_package("candor.example.v1");
    for (const char* message :
         {"GetThingRequest", "Thing", "ListThingsRequest", "Unused"}) {
      file.add_message_type()->set_name(message);
    }
    AddMethod(file.add_service(), "ThingService", "GetThing",
              "GetThingRequest");
    AddMethod(file.add_service(), "OtherService", "ListThings",
              "ListThingsRequest");
    file_ = pool_.BuildFile(file);
    ASSERT_NE(file_, nullptr);
  }

  static void AddMethod(google::protobuf::ServiceDescriptorProto* service,
                        const char* service_name, const char* method_name,
                        const char* request) {
    service->set_name(service_name);
    google::protobuf::MethodDescriptorProto* method = service->add_method();
    method->set_name(method_name);
    method->set_input_type(std::string(".candor.example.v1.") + request);
    method->set_output_type(".candor.example.v1.Thing");
  }

  google::protobuf::DescriptorPool pool_;
  const google::protobuf::FileDescriptor* file_ = nullptr;
};

TEST_F(MethodNameOfTest, TheRequestNamesItsMethodInAnyServiceOfTheFile) {
  EXPECT_EQ(MethodNameOf(*pool_.FindMessageTypeByName(
                "candor.example.v1.GetThingRequest")),
            "/candor.example.v1.ThingService/GetThing");
  EXPECT_EQ(MethodNameOf(*pool_.FindMessageTypeByName(
                "candor.example.v1.ListThingsRequest")),
            "/candor.example.v1.OtherService/ListThings");
}

TEST_F(MethodNameOfTest, AMessageNoMethodTakesAborts) {
  EXPECT_DEATH(
      MethodNameOf(*pool_.FindMessageTypeByName("candor.example.v1.Unused")),
      "0 methods of example.proto take candor.example.v1.Unused");
}

}  // namespace
}  // namespace candor
