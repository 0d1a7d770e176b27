// The short names every test gives the API's proto packages, declared once
// (the packages themselves come from whichever generated headers a test
// includes).
#ifndef CANDOR_TESTS_SUPPORT_PROTO_NAMESPACES_H_
#define CANDOR_TESTS_SUPPORT_PROTO_NAMESPACES_H_

namespace candor {
namespace staff::v1 {}
namespace values::v1 {}
namespace advocacy::v1 {}
namespace engagement::v1 {}
namespace transparency::v1 {}
namespace privacy::v1 {}

namespace testing {
namespace staffpb = ::candor::staff::v1;
namespace valuespb = ::candor::values::v1;
namespace advocacypb = ::candor::advocacy::v1;
namespace engagementpb = ::candor::engagement::v1;
namespace transparencypb = ::candor::transparency::v1;
namespace privacypb = ::candor::privacy::v1;
}  // namespace testing
}  // namespace candor

#endif  // CANDOR_TESTS_SUPPORT_PROTO_NAMESPACES_H_
