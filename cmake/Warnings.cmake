# sdelka_warnings(target): the project's warning set; -Werror unless SDELKA_WERROR is OFF.
function(sdelka_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
                         -Wno-missing-field-initializers
                         # GCC 12 reports false positives inside libstdc++ at -O2 (GCC bugs 105329, 105651):
                         -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow)
  if(SDELKA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
