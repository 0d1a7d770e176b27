#include "services/common/method_name.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace candor {

std::string MethodNameOf(const google::protobuf::Descriptor& request) {
  const google::protobuf::FileDescriptor& file = *request.file();
  std::string name;
  int found = 0;
  for (int s = 0; s < file.service_count(); ++s) {
    const google::protobuf::ServiceDescriptor& service = *file.service(s);
    for (int m = 0; m < service.method_count(); ++m) {
      if (service.method(m)->input_type() != &request) continue;
      name = absl::StrCat("/", service.full_name(), "/",
                          service.method(m)->name());
      ++found;
    }
  }
  if (found != 1) {
    std::fprintf(stderr,
                 "%d methods of %s take %s as their request; expected one\n",
                 found, file.name().c_str(), request.full_name().c_str());
    std::abort();
  }
  return name;
}

}  // namespace candor
