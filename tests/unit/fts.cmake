# Russian search: the FTS5 tokenizer `ru` on a real SQLite file, and the PostgreSQL expressions of
# store/search_pg.hpp (the PostgreSQL tests skip themselves without SDELKA_TEST_PG_URL).
# The test creates its own database with a UTF-8 LC_CTYPE through libpq (CREATE DATABASE cannot
# run inside the store's transactions).
pkg_check_modules(SDELKA_FTS_LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SDELKA_FTS_UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
add_executable(unit_fts ${CMAKE_CURRENT_LIST_DIR}/fts_test.cpp)
target_link_libraries(unit_fts PRIVATE sdelka_store PkgConfig::SDELKA_FTS_LIBPQ PkgConfig::SDELKA_FTS_UTF8PROC
                      GTest::gtest_main)
sdelka_warnings(unit_fts)
gtest_discover_tests(unit_fts TEST_PREFIX "unit_fts.")
# The same binary against a throwaway PostgreSQL 15 cluster (scripts/pg-test-server.sh).
add_test(NAME unit_fts_pg
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/unit/with-pg.sh $<TARGET_FILE:unit_fts>)
set_tests_properties(unit_fts_pg PROPERTIES TIMEOUT 300)
