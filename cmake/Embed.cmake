# sdelka_embed(TARGET name FUNCTION fn BASE dir FILES f1 f2 ...)
# Compiles the files into a static library `name` that exposes
#   const std::vector<sdelka::core::EmbeddedFile>& fn();
# with each file's path relative to BASE, its bytes and its SHA-256. Pure CMake at build time.
set(SDELKA_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedScript.cmake)
function(sdelka_embed)
  cmake_parse_arguments(E "" "TARGET;FUNCTION;BASE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}_embedded.cpp)
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFN=${E_FUNCTION} -DBASE=${E_BASE} "-DFILES=${files_arg}"
            -P ${SDELKA_EMBED_SCRIPT}
    DEPENDS ${E_FILES} ${SDELKA_EMBED_SCRIPT}
    COMMENT "Embedding ${E_TARGET}" VERBATIM)
  add_library(${E_TARGET} STATIC ${out})
  target_link_libraries(${E_TARGET} PUBLIC sdelka_core)
endfunction()
