# Russian requisites, phones, e-mail and name keys (issue 3, Clients): sdelka_ru.
add_executable(unit_ru ${CMAKE_CURRENT_SOURCE_DIR}/ru_test.cpp)
target_link_libraries(unit_ru PRIVATE sdelka_ru GTest::gtest_main)
sdelka_warnings(unit_ru)
gtest_discover_tests(unit_ru TEST_PREFIX "unit_ru.")
