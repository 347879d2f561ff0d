// Opening the run's trace database and keeping an unstored run's results (run_store.hpp).
#include "run_store.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "mcuprof/profiler/exit_codes.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

bool write_json(const std::filesystem::path& path, const nlohmann::json& s) {
  try {
    write_output_file(path, s.dump(2) + "\n", "summary");
    return true;
  } catch (const CommandError&) {
    return false;
  }
}

}  // namespace

traces::TraceStore open_store_for_writing(const std::filesystem::path& database) {
  try {
    return traces::TraceStore::open(database, traces::TraceStore::Mode::ReadWrite);
  } catch (const traces::InvalidDatabase& e) {
    throw CommandError(exit_code::kDataError, e.what());
  } catch (const traces::TraceError& e) {
    throw CommandError(exit_code::kCantCreate, e.what());
  }
}

StoreFailure store_failure(const traces::TraceError& e) {
  const bool damaged = dynamic_cast<const traces::InvalidDatabase*>(&e) != nullptr;
  return {damaged ? exit_code::kDataError : exit_code::kIoError, e.what()};
}

CommandError keep_unstored_run(const StoreFailure& failure,
                               const std::optional<std::filesystem::path>& summary_path,
                               const std::filesystem::path& database, const nlohmann::json& s) {
  if (summary_path)
    return CommandError(failure.status,
                        fmt::format("{}; the run was not stored, its summary is in {}",
                                    failure.message, summary_path->string()));
  const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const std::string name = fmt::format("mcuprof-unstored-run-{}-{}.json", stamp, getpid());
  std::error_code ec;
  const std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
  // Beside the database (a bare name when it is in the current folder), else in temp.
  for (const auto& path : {database.parent_path() / name, ec ? temp : temp / name}) {
    if (path.empty()) continue;
    if (write_json(path, s))
      return CommandError(failure.status,
                          fmt::format("{}; the run was not stored, its summary is in {}",
                                      failure.message, path.string()));
    std::filesystem::remove(path, ec);
  }
  return CommandError(failure.status,
                      fmt::format("{}; the run was not stored and its summary could not be "
                                  "written either",
                                  failure.message));
}

}  // namespace mcuprof::profiler
