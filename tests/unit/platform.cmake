# Platform: the storage contract against SQLite and PostgreSQL.
add_executable(unit_store ${CMAKE_CURRENT_LIST_DIR}/store_test.cpp)
target_link_libraries(unit_store PRIVATE sdelka_store GTest::gtest_main)
sdelka_warnings(unit_store)
# Without SDELKA_TEST_PG_URL the PostgreSQL instantiation skips itself. The prefix lets
# `ctest -R unit_store` select these together with unit_store_pg.
gtest_discover_tests(unit_store TEST_PREFIX "unit_store.")
# The same binary against a throwaway PostgreSQL 15 cluster (scripts/pg-test-server.sh).
add_test(NAME unit_store_pg
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/unit/with-pg.sh $<TARGET_FILE:unit_store>)
set_tests_properties(unit_store_pg PROPERTIES TIMEOUT 300)

# Platform units: router, strict JSON, policy with a real SQLite access list, audit, catalogues.
add_executable(unit_platform ${CMAKE_CURRENT_LIST_DIR}/platform_test.cpp)
target_link_libraries(unit_platform PRIVATE sdelka_webapp GTest::gtest_main)
sdelka_warnings(unit_platform)
gtest_discover_tests(unit_platform TEST_PREFIX "unit_platform.")

# The platform commands end to end (user, migrate, backup/restore, bad arguments).
add_test(NAME cli_platform COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/platform.sh $<TARGET_FILE:sdelka>)

# The Clients commands end to end (import CSV/XLSX, export, demo).
add_test(NAME cli_clients COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/clients.sh $<TARGET_FILE:sdelka>)

# The background-job runner against SQLite and (unit_jobs_pg) a throwaway PostgreSQL cluster.
add_executable(unit_jobs ${CMAKE_CURRENT_LIST_DIR}/jobs_test.cpp)
target_link_libraries(unit_jobs PRIVATE sdelka_jobs GTest::gtest_main)
sdelka_warnings(unit_jobs)
gtest_discover_tests(unit_jobs TEST_PREFIX "unit_jobs.")
add_test(NAME unit_jobs_pg
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/unit/with-pg.sh $<TARGET_FILE:unit_jobs>)
set_tests_properties(unit_jobs_pg PROPERTIES TIMEOUT 300)
