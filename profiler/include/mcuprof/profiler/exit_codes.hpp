// mcuprof's process exit statuses (documented in docs/cli.md). A firmware that exits
// normally hands its own status through (0-63); everything mcuprof itself has to say
// uses the sysexits.h values or the 80+ range for firmware faults.
#pragma once

namespace mcuprof::profiler::exit_code {

constexpr int kOk = 0;
constexpr int kFirmwareStatusMax = 63;  // firmware statuses above this are reported as 63
constexpr int kUsage = 64;              // bad command line
constexpr int kDataError = 65;          // not an ELF, wrong architecture, bad target file...
constexpr int kNoInput = 66;            // an input file does not exist
constexpr int kSoftware = 70;           // internal error (a bug: please report it)
constexpr int kCantCreate = 73;         // cannot create or write an output (database, summary)
constexpr int kIoError = 74;            // I/O error while writing an output

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
constexpr int kCycleBudget = 90;  // --max-cycles exhausted: the firmware did not finish
constexpr int kGateFailed = 91;   // the run succeeded but a --fail-if condition holds

}  // namespace mcuprof::profiler::exit_code
