# sdelka_context(<name> [TARGET <target>] SOURCES <files…> [USES <contexts…>] [LIBS <libraries…>])
#
# Defines the static library of the business context in src/<name>/ (target sdelka_<name> unless
# TARGET names another) and enforces the house's dependency rule at configure time: the context's
# sources and headers may include only
#   - the platform: core/, store/, jobs/, auth/, http/, i18n/, web/ (the kit for routes and pages, not the
#     application) and the audit log writer audit/audit.hpp,
#   - the engines: lending/,
#   - its own headers (<name>/…),
#   - another context's service or model header (<other>/service.hpp, <other>/model.hpp), and only
#     of a context named in USES (whose library it then links).
# Anything else (app/, another context's repo, routes or pages) stops the configure with the file,
# the line and the rule. See docs/adding-a-context.md.
set(SDELKA_PLATFORM_DIRS core store jobs auth http i18n web lending)

function(sdelka_context name)
  cmake_parse_arguments(C "" "TARGET" "SOURCES;USES;LIBS" ${ARGN})
  if(NOT C_TARGET)
    set(C_TARGET sdelka_${name})
  endif()
  file(GLOB headers ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  set(scanned ${headers})
  set(offences "")
  foreach(src ${C_SOURCES})
    list(APPEND scanned ${CMAKE_CURRENT_SOURCE_DIR}/${src})
  endforeach()
  foreach(file ${scanned})
    file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*$" "\\1" path "${line}")
      string(REGEX MATCH "^[^/]+" dir "${path}")
      string(REGEX REPLACE "^[^/]+/" "" leaf "${path}")
      set(ok FALSE)
      if(dir IN_LIST SDELKA_PLATFORM_DIRS OR dir STREQUAL name OR path STREQUAL "audit/audit.hpp")
        set(ok TRUE)
      elseif(dir IN_LIST C_USES AND (leaf STREQUAL "service.hpp" OR leaf STREQUAL "model.hpp"))
        set(ok TRUE)
      endif()
      if(NOT ok)
        file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${file})
        string(APPEND offences "\n  ${rel}: #include \"${path}\" breaks the house rule of the ${name} context")
      endif()
    endforeach()
  endforeach()
  if(offences)
    message(FATAL_ERROR "${offences}\nA context includes only core/, store/, jobs/, auth/, http/, i18n/, web/, lending/, "
      "audit/audit.hpp, its own headers, and the service.hpp or model.hpp of a context named in USES of its "
      "sdelka_context() (docs/adding-a-context.md).")
  endif()
  add_library(${C_TARGET} STATIC ${C_SOURCES})
  set(used)
  foreach(u ${C_USES})
    list(APPEND used sdelka_${u})
  endforeach()
  target_link_libraries(${C_TARGET} PUBLIC sdelka_web sdelka_auth ${used} ${C_LIBS})
  sdelka_warnings(${C_TARGET})
endfunction()
