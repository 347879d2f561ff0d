# Cross side: included by the firmware projects (runtime/firmware, tests/firmware).
# mcuprof_add_firmware(NAME <program> BOARD <board> SOURCES ... [LINK_OPTIONS ...])
# builds <board>/<program>.elf for one board with the shared startup code.
set(MCUPROF_STARTUP_SOURCES ${MCUPROF_SOURCE_DIR}/runtime/firmware/src/startup.c)
set(MCUPROF_FIRMWARE_INCLUDE ${MCUPROF_SOURCE_DIR}/runtime/firmware/include)

function(mcuprof_add_firmware)
  cmake_parse_arguments(ARG "" "NAME;BOARD" "SOURCES;LINK_OPTIONS;INCLUDES" ${ARGN})
  include(${MCUPROF_BOARD_DIR}/${ARG_BOARD}.cmake)
  separate_arguments(cpu_flags UNIX_COMMAND "${MCUPROF_BOARD_CPU_FLAGS}")
  set(target ${ARG_BOARD}_${ARG_NAME})
  add_executable(${target} ${ARG_SOURCES} ${MCUPROF_STARTUP_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${ARG_NAME} SUFFIX ".elf"
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${ARG_BOARD})
  target_include_directories(${target} PRIVATE ${MCUPROF_FIRMWARE_INCLUDE} ${ARG_INCLUDES})
  target_compile_definitions(${target} PRIVATE MCUPROF_CLOCK_HZ=${MCUPROF_BOARD_CLOCK_HZ}u)
  target_compile_options(${target} PRIVATE ${cpu_flags} -std=c11 -O2 -g3
    -ffunction-sections -fdata-sections -Wall -Wextra -Werror=implicit-function-declaration)
  target_link_options(${target} PRIVATE ${cpu_flags} -nostartfiles
    -T${MCUPROF_BOARD_LINKER_SCRIPT} -Wl,--gc-sections
    -Wl,-Map=${CMAKE_BINARY_DIR}/${ARG_BOARD}/${ARG_NAME}.map
    ${ARG_LINK_OPTIONS})
  if(NOT ARG_LINK_OPTIONS)
    target_link_options(${target} PRIVATE --specs=nano.specs --specs=nosys.specs)
  endif()
endfunction()
