# Cross side: included by the firmware projects (runtime/firmware, tests/firmware).
# mcuprof_add_firmware(NAME <program> BOARD <board> SOURCES ... [LINK_OPTIONS ...]
#                      [LIBC_STARTUP])
# builds <board>/<program>.elf for one board with the shared startup code, or, with
# LIBC_STARTUP, with the C library's own start files (crt0's _start, which the
# program's reset handler calls) instead. C sources are C11, C++ sources C++17
# without exceptions or RTTI.
set(MCUPROF_STARTUP_SOURCES ${MCUPROF_SOURCE_DIR}/runtime/firmware/src/startup.c)
set(MCUPROF_FIRMWARE_INCLUDE ${MCUPROF_SOURCE_DIR}/runtime/firmware/include)

function(mcuprof_add_firmware)
  cmake_parse_arguments(ARG "LIBC_STARTUP" "NAME;BOARD" "SOURCES;LINK_OPTIONS;INCLUDES" ${ARGN})
  include(${MCUPROF_BOARD_DIR}/${ARG_BOARD}.cmake)
  separate_arguments(cpu_flags UNIX_COMMAND "${MCUPROF_BOARD_CPU_FLAGS}")
  set(target ${ARG_BOARD}_${ARG_NAME})
  set(startup ${MCUPROF_STARTUP_SOURCES})
  set(nostartfiles -nostartfiles)
  if(ARG_LIBC_STARTUP)
    set(startup)
    set(nostartfiles)
  endif()
  add_executable(${target} ${ARG_SOURCES} ${startup})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${ARG_NAME} SUFFIX ".elf"
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${ARG_BOARD}
    LINK_DEPENDS ${MCUPROF_BOARD_LINKER_SCRIPT})  # relinked when the board's script changes
  target_include_directories(${target} PRIVATE ${MCUPROF_FIRMWARE_INCLUDE} ${ARG_INCLUDES})
  target_compile_definitions(${target} PRIVATE MCUPROF_CLOCK_HZ=${MCUPROF_BOARD_CLOCK_HZ}u
    ${MCUPROF_BOARD_STARTUP_DEFINITIONS})
  target_compile_options(${target} PRIVATE ${cpu_flags}
    $<$<COMPILE_LANGUAGE:C>:-std=c11> $<$<COMPILE_LANGUAGE:CXX>:-std=c++17> -O2 -g3
    -ffunction-sections -fdata-sections -Wall -Wextra
    $<$<COMPILE_LANGUAGE:C>:-Werror=implicit-function-declaration>
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>)
  target_link_options(${target} PRIVATE ${cpu_flags} ${nostartfiles}
    -T${MCUPROF_BOARD_LINKER_SCRIPT} -Wl,--gc-sections
    -Wl,-Map=${CMAKE_BINARY_DIR}/${ARG_BOARD}/${ARG_NAME}.map
    ${ARG_LINK_OPTIONS})
  if(NOT ARG_LINK_OPTIONS)
    target_link_options(${target} PRIVATE --specs=nano.specs --specs=nosys.specs)
  endif()
endfunction()
