# One interface target carries every warning flag (and the sanitizers), so that all
# targets of the project are built alike and CI can turn warnings into errors in one place.
add_library(seqscope_warnings INTERFACE)
target_compile_options(seqscope_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
# Not -Wnull-dereference: GCC 12 reports it inside libstdc++ (istreambuf_iterator) at -O2.)
if(SEQSCOPE_WERROR)
  target_compile_options(seqscope_warnings INTERFACE -Werror)
endif()
if(SEQSCOPE_SANITIZE)
  target_compile_options(seqscope_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(seqscope_warnings INTERFACE -fsanitize=address,undefined)
endif()
