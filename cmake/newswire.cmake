# Helpers every component uses to declare tests and fuzz targets.

# nw_unit_test(NAME SOURCES a.c b.c LIBS x y [LABELS l] [TIMEOUT s])
# A cmocka test executable registered as its own CTest.
function(nw_unit_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "unit;${T_LABELS}"
    ENVIRONMENT "NEWSWIRE_DATA=${PROJECT_SOURCE_DIR}/data;NW_BIN=${CMAKE_BINARY_DIR}/bin;NW_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# nw_script_test(NAME COMMAND cmd args... [TIMEOUT s] [LABELS l])
# An end-to-end test (shell or python) that starts real processes; gets the
# build's bin/ in NW_BIN and the source tree in NW_SOURCE_DIR.
function(nw_script_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND;LABELS" ${ARGN})
  add_test(NAME ${name} COMMAND ${T_COMMAND} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "e2e;${T_LABELS}"
    ENVIRONMENT "NW_BIN=${CMAKE_BINARY_DIR}/bin;NW_SOURCE_DIR=${PROJECT_SOURCE_DIR};NW_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# nw_fuzz_target(NAME SOURCES f.c LIBS x CORPUS dir)
# Built only with NW_FUZZ=ON; registered as a CTest labelled "fuzz" that runs
# for NW_FUZZ_SECONDS on a copy of the seed corpus directory, with libFuzzer's
# -seed=NW_FUZZ_SEED (0: a random seed; CI fixes one so a run is repeatable).
function(nw_fuzz_target name)
  if(NOT NW_FUZZ)
    return()
  endif()
  cmake_parse_arguments(T "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  set(work ${CMAKE_BINARY_DIR}/fuzz/${name}.corpus)
  math(EXPR budget "${NW_FUZZ_SECONDS} + 120")
  add_test(NAME ${name}
    COMMAND sh -c "mkdir -p '${work}' && cp -r '${T_CORPUS}'/. '${work}'/ && \
exec '$<TARGET_FILE:${name}>' -max_total_time=${NW_FUZZ_SECONDS} -seed=${NW_FUZZ_SEED} -rss_limit_mb=2048 \
-timeout=10 -print_final_stats=1 -artifact_prefix='${CMAKE_BINARY_DIR}/fuzz/${name}-' '${work}'")
  set_tests_properties(${name} PROPERTIES TIMEOUT ${budget} LABELS fuzz
    ENVIRONMENT "NEWSWIRE_DATA=${PROJECT_SOURCE_DIR}/data")
endfunction()
