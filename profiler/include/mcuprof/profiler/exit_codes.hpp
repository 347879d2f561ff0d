// mcuprof's process exit statuses: docs/cli.md "Exit statuses" is the same table (a test
// compares them). The ranges never overlap, so a firmware's status cannot be mistaken
// for an mcuprof error: 0-63 a firmware that exited (ELF form), 64-79 mcuprof's own
// errors (the sysexits.h values), 80-99 how a firmware run ended without a usable
// status, 128+N a signal.
#pragma once

namespace mcuprof::profiler::exit_code {

constexpr int kOk = 0;
constexpr int kFirmwareStatusMax = 63;  // a firmware exit status 0-63 is returned as is
constexpr int kUsage = 64;              // bad command line
constexpr int kDataError = 65;          // not an ELF, wrong architecture, bad target file...
constexpr int kNoInput = 66;            // an input file does not exist
constexpr int kSoftware = 70;           // internal error (a bug: please report it)
constexpr int kCantCreate = 73;         // cannot create or write an output (database, summary)
constexpr int kIoError = 74;            // I/O error while writing an output
constexpr int kFirmwareStatusOutOfRange = 79;  // the firmware exited with a status above 63

// Firmware stopped without exiting. One code per kind (see sim::FaultKind and
// docs/machine.md "Exit codes").
constexpr int kFaultUnmappedAccess = 80;
constexpr int kFaultFlashWrite = 81;
constexpr int kFaultUsageFault = 82;  // undefined instruction, no FPU, invalid state...
constexpr int kFaultHardFault = 83;   // escalated faults, vector-table errors
constexpr int kFaultEmulator = 84;
constexpr int kFaultBusFault = 85;
constexpr int kFaultMemManage = 86;
constexpr int kFaultStackOverflow = 87;
constexpr int kFaultLockup = 88;
constexpr int kCycleBudget = 90;  // --max-cycles/--max-time reached: the firmware did not finish
constexpr int kGateFailed = 91;   // the run succeeded but a --fail-if condition holds
constexpr int kModelRunnerRefused =
    92;                            // model form: the runner exited non-zero (refused the image)
constexpr int kInterrupted = 130;  // SIGINT (128 + 2); SIGTERM gives 143 (128 + 15)
constexpr int kTerminated = 143;

}  // namespace mcuprof::profiler::exit_code
