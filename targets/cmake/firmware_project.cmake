# Host side: adds a cross-compiled firmware sub-build (an ExternalProject configured
# with the arm-none-eabi toolchain) that builds for every board in the catalogue.
# Its outputs land in BINARY_DIR/<board>/<program>.elf.
include(ExternalProject)

function(mcuprof_firmware_project name)
  cmake_parse_arguments(ARG "" "SOURCE_DIR;BINARY_DIR" "" ${ARGN})
  find_program(ARM_GCC arm-none-eabi-gcc REQUIRED)
  string(REPLACE ";" "|" boards "${MCUPROF_BOARDS}")
  ExternalProject_Add(${name}
    SOURCE_DIR ${ARG_SOURCE_DIR}
    BINARY_DIR ${ARG_BINARY_DIR}
    LIST_SEPARATOR |
    CMAKE_ARGS
      -DCMAKE_TOOLCHAIN_FILE=${MCUPROF_TARGETS_DIR}/cmake/arm-none-eabi.cmake
      -DCMAKE_BUILD_TYPE=Release
      -DMCUPROF_SOURCE_DIR=${CMAKE_SOURCE_DIR}
      -DMCUPROF_BOARD_DIR=${MCUPROF_BOARD_DIR}
      -DMCUPROF_BOARDS=${boards}
      -DMCUPROF_STACK_TOOL=$<TARGET_FILE:mcuprof-stack>
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    DEPENDS mcuprof_board_files mcuprof-stack
    USES_TERMINAL_BUILD ON)
endfunction()
