# candor_proto_library(NAME PROTOS a.proto b.proto ...)
#
# Generates C++ (messages and gRPC services) from .proto files under proto/
# into the build tree at build time, and builds them into a static library.
# Generated code is never committed.
function(candor_proto_library name)
  cmake_parse_arguments(ARG "" "" "PROTOS;DEPS" ${ARGN})
  set(proto_root "${PROJECT_SOURCE_DIR}/proto")
  set(out_root "${PROJECT_BINARY_DIR}/gen")
  file(MAKE_DIRECTORY "${out_root}")
  set(sources)
  foreach(proto IN LISTS ARG_PROTOS)
    get_filename_component(abs "${proto}" ABSOLUTE)
    file(RELATIVE_PATH rel "${proto_root}" "${abs}")
    string(REGEX REPLACE "\\.proto$" "" stem "${rel}")
    set(outs "${out_root}/${stem}.pb.cc" "${out_root}/${stem}.pb.h"
             "${out_root}/${stem}.grpc.pb.cc" "${out_root}/${stem}.grpc.pb.h")
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
        --proto_path=${proto_root}
        --cpp_out=${out_root}
        --grpc_out=${out_root}
        --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
        ${abs}
      DEPENDS "${abs}" protobuf::protoc
      COMMENT "Generating C++ from ${rel}"
      VERBATIM)
    list(APPEND sources "${out_root}/${stem}.pb.cc" "${out_root}/${stem}.grpc.pb.cc")
  endforeach()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} SYSTEM PUBLIC "${out_root}")
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
endfunction()
