# GLSL -> SPIR-V at build time with glslc, embedded into the binary as uint32 arrays.
# glslc writes the words as comma-separated numbers (-mfmt=num) and a depfile (-MD), so an
# edited #include rebuilds the shaders that use it. Nothing is read from disk at run time.
function(seqscope_embed_shaders target)
  set(generated_dir ${CMAKE_CURRENT_BINARY_DIR}/spirv)
  file(MAKE_DIRECTORY ${generated_dir})
  set(includes "")
  set(entries "")
  set(outputs "")
  foreach(src IN LISTS ARGN)
    get_filename_component(file_name ${src} NAME)
    string(MAKE_C_IDENTIFIER ${file_name} ident)
    set(out ${generated_dir}/${file_name}.inc)
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${GLSLC} --target-env=vulkan1.2 -O -mfmt=num -MD -MF ${out}.d
              -I ${CMAKE_CURRENT_SOURCE_DIR} -o ${out} ${CMAKE_CURRENT_SOURCE_DIR}/${src}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${src}
      DEPFILE ${out}.d
      COMMENT "glslc ${file_name}"
      VERBATIM)
    list(APPEND outputs ${out})
    string(APPEND includes "static const uint32_t k_${ident}[] = {\n#include \"${file_name}.inc\"\n};\n")
    string(APPEND entries "    {\"${file_name}\", {k_${ident}, sizeof(k_${ident}) / sizeof(uint32_t)}},\n")
  endforeach()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/embedded_shaders.cpp.in ${generated_dir}/embedded_shaders.cpp @ONLY)
  add_library(${target} STATIC ${generated_dir}/embedded_shaders.cpp ${outputs})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} PRIVATE ${generated_dir})
  target_link_libraries(${target} PRIVATE seqscope_warnings)
endfunction()
