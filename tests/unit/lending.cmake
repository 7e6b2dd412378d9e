# Tests of the lending calculation engine (issue 4): core money / dates / sum in words, and the
# calendar, schedules, ПСК and APRC against shared/data/lending (read as it is), plus the CLI.
add_executable(unit_money
  ${CMAKE_CURRENT_SOURCE_DIR}/core_money_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/core_date_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/core_words_test.cpp
)
target_link_libraries(unit_money PRIVATE sdelka_core GTest::gtest_main)
sdelka_warnings(unit_money)
gtest_discover_tests(unit_money TEST_PREFIX "money.")

add_executable(unit_lending
  ${CMAKE_CURRENT_SOURCE_DIR}/lending_calendar_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/lending_schedule_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/lending_psk_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/lending_aprc_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/lending_vectors_test.cpp
)
target_link_libraries(unit_lending PRIVATE sdelka_lending nlohmann_json::nlohmann_json GTest::gtest_main)
target_compile_definitions(unit_lending PRIVATE SDELKA_SHARED_DATA="${SDELKA_SHARED_DATA}")
sdelka_warnings(unit_lending)
gtest_discover_tests(unit_lending TEST_PREFIX "lending.")

add_test(NAME cli_loan COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/loan.sh $<TARGET_FILE:sdelka> ${SDELKA_SHARED_DATA})
