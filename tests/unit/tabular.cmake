# Tabular files for import/export (issue 3): CSV/XLSX reading and writing. The tests make their input
# files at run time; the last one reads the committed samples in tests/data.
pkg_check_modules(SDELKA_TAB_TEST_XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
add_executable(unit_tabular ${CMAKE_CURRENT_LIST_DIR}/tabular_test.cpp)
target_link_libraries(unit_tabular PRIVATE sdelka_tabular GTest::gtest_main
                      PkgConfig::SDELKA_TAB_TEST_XLSXWRITER PkgConfig::SDELKA_TAB_LIBZIP)
target_compile_definitions(unit_tabular PRIVATE SDELKA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
sdelka_warnings(unit_tabular)
gtest_discover_tests(unit_tabular TEST_PREFIX "unit_tabular." DISCOVERY_TIMEOUT 30)
