# pando_internal carries the flags every pando target compiles with.
add_library(pando_internal INTERFACE)
target_compile_options(pando_internal INTERFACE -Wall -Wextra -Wpedantic)
target_include_directories(pando_internal INTERFACE
  ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
if(PANDO_SANITIZE)
  string(REPLACE ";" "," pando_san "${PANDO_SANITIZE}")
  # CAF's headers bind references through null pointers; UBSan's null check
  # fires inside them, so it is turned off.
  target_compile_options(pando_internal INTERFACE
    -fsanitize=${pando_san} -fno-sanitize=null -fno-omit-frame-pointer)
  target_link_options(pando_internal INTERFACE -fsanitize=${pando_san})
endif()

# pando_add_module(NAME SOURCES ... [PUBLIC deps...] [PRIVATE deps...])
# builds the library pando::NAME from one top-level folder.
function(pando_add_module name)
  cmake_parse_arguments(arg "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(pando_${name} STATIC ${arg_SOURCES})
  add_library(pando::${name} ALIAS pando_${name})
  target_link_libraries(pando_${name}
    PUBLIC ${arg_PUBLIC} PRIVATE pando_internal ${arg_PRIVATE})
  target_include_directories(pando_${name} PUBLIC
    ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
endfunction()

# pando_add_tool(NAME SOURCES ... LIBS ...) builds an executable.
function(pando_add_tool name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE pando_internal ${arg_LIBS})
endfunction()
