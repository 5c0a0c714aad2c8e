# seqscope_add_library(<target> [DEPENDS <targets>...] [PRIVATE_DEPENDS <targets>...]
#                      [EXCLUDE <file>...]): one folder, one static library of its *.cpp.
# Every include is written from the project root ("compute/ssm/scan_fused.h"), so the root is
# the only include directory. DEPENDS is the folder's place in the layering: what it may use.
function(seqscope_add_library target)
  cmake_parse_arguments(ARG "" "" "DEPENDS;PRIVATE_DEPENDS;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  foreach(excluded IN LISTS ARG_EXCLUDE)
    list(REMOVE_ITEM sources ${CMAKE_CURRENT_SOURCE_DIR}/${excluded})
  endforeach()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS} seqscope_warnings)
endfunction()
