# Tabular files for import/export (issue 3): CSV and XLSX rows in, CSV and XLSX out.
# libcsv parses CSV, uchardet + iconv (glibc) decode it, libzip + pugixml read XLSX,
# libxlsxwriter writes it. All from Debian 12 packages (scripts/deps.sh).
# libzip through pkg-config, not its CMake package: Debian 12's libzip-config.cmake names the
# zipcmp/zipmerge/ziptool programs (packages of their own) and fails when they are absent (issue 10).
pkg_check_modules(SDELKA_TAB_LIBZIP REQUIRED IMPORTED_TARGET GLOBAL libzip)
find_package(pugixml REQUIRED CONFIG)
pkg_check_modules(SDELKA_TAB_UCHARDET REQUIRED IMPORTED_TARGET uchardet)
pkg_check_modules(SDELKA_TAB_XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
find_library(SDELKA_TAB_CSV_LIBRARY NAMES csv REQUIRED)
find_path(SDELKA_TAB_CSV_INCLUDE_DIR NAMES csv.h REQUIRED)
if(TARGET pugixml::pugixml)
  set(SDELKA_TAB_PUGIXML pugixml::pugixml)
else()
  set(SDELKA_TAB_PUGIXML pugixml)
endif()

add_library(sdelka_tabular STATIC ${CMAKE_CURRENT_LIST_DIR}/tabular.cpp ${CMAKE_CURRENT_LIST_DIR}/tabular_csv.cpp
            ${CMAKE_CURRENT_LIST_DIR}/tabular_xlsx.cpp ${CMAKE_CURRENT_LIST_DIR}/tabular_write.cpp)
target_include_directories(sdelka_tabular PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_include_directories(sdelka_tabular PRIVATE ${SDELKA_TAB_CSV_INCLUDE_DIR})
target_link_libraries(sdelka_tabular
  PRIVATE sdelka_core PkgConfig::SDELKA_TAB_LIBZIP ${SDELKA_TAB_PUGIXML} PkgConfig::SDELKA_TAB_UCHARDET
          PkgConfig::SDELKA_TAB_XLSXWRITER ${SDELKA_TAB_CSV_LIBRARY})
sdelka_warnings(sdelka_tabular)
