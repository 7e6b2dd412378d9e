# Credit scorecard engine (issue 5): unit tests and the CLI test.
add_executable(scoring_test
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_parts_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_test.cpp)
target_link_libraries(scoring_test PRIVATE sdelka_scoring GTest::gtest_main)
target_compile_definitions(scoring_test PRIVATE SDELKA_SHARED_DATA="${SDELKA_SHARED_DATA}")
sdelka_warnings(scoring_test)
gtest_discover_tests(scoring_test TEST_PREFIX "scoring." DISCOVERY_TIMEOUT 30)

add_test(NAME cli_score
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/score.sh $<TARGET_FILE:sdelka> ${SDELKA_SHARED_DATA})
