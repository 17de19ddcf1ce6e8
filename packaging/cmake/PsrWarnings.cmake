# Warnings for our own targets only (third-party headers are included as SYSTEM).
add_library(psr_warnings INTERFACE)
target_compile_options(psr_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor>
  $<$<AND:$<BOOL:${PSR_WARNINGS_AS_ERRORS}>,$<CXX_COMPILER_ID:GNU,Clang>>:-Werror>)
