// mcuprof_cli_fuzz: the CLI-level fuzz run of issue 13. Mutates seed files (the shared
// .tflite models, built firmware ELFs) and feeds each mutant to the real `mcuprof` —
// `inspect`, and `run` with a small cycle budget — as a user would, then checks how it
// ended. A finding is a crash (killed by a signal), a hang (no answer within the time
// limit), an internal error (status 70, "internal error", "terminate called"), an error
// that is not one "mcuprof: error:" line, or a run that ended without a readable summary.
//
//   mcuprof_cli_fuzz --mcuprof build/bin/mcuprof --seconds 1800 --out /tmp/findings
//       ../shared/models/*.tflite build/tests/firmware/stm32f412/*.elf
//
// Prints one line per finding and a summary (executions by command and status); exits 1
// when anything was found. Findings are kept in --out with the command that found them.
// The bounded ctest run (`CliFuzz.Short`) uses --runs and a fixed --seed.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "process.hpp"

namespace fs = std::filesystem;
using mcuprof::test::ProcessResult;
using mcuprof::test::run_process;

namespace {

using Bytes = std::vector<uint8_t>;

struct Options {
  fs::path mcuprof;
  fs::path out = fs::temp_directory_path() / "mcuprof-cli-fuzz";
  std::vector<fs::path> seeds;
  double seconds = 0;  // 0: use runs
  long runs = 100;
  uint32_t seed = 1;
  int timeout_s = 60;  // per execution: longer is a hang
  std::string board = "stm32f412";
};

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// One to four of: bit flips, interesting bytes, interesting 32-bit words (offsets, sizes,
// counts are 32-bit in both formats), truncation, a chunk removed or repeated.
Bytes mutate(Bytes b, std::mt19937& rng) {
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const int count = 1 + static_cast<int>(pick(4));
  for (int k = 0; k < count && !b.empty(); ++k) {
    switch (pick(6)) {
      case 0:
        for (size_t n = 1 + pick(8); n-- > 0;) b[pick(b.size())] ^= uint8_t(1u << pick(8));
        break;
      case 1: {
        static constexpr uint8_t kBytes[] = {0x00, 0xFF, 0x7F, 0x80, 0x01, 0x10};
        b[pick(b.size())] = kBytes[pick(std::size(kBytes))];
        break;
      }
      case 2: {
        if (b.size() < 4) break;
        const uint32_t size = static_cast<uint32_t>(b.size());
        const uint32_t words[] = {0,        0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, size,
                                  size - 4, size + 4,    1,           0x10000u,    0xFFFFu};
        const uint32_t w = words[pick(std::size(words))];
        const size_t at = pick(b.size() - 3) & ~size_t{3};  // aligned, as both formats are
        for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(w >> (8 * i));
        break;
      }
      case 3:
        b.resize(pick(b.size()));
        break;
      case 4: {
        const size_t at = pick(b.size()), n = 1 + pick(std::min<size_t>(256, b.size() - at));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                b.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 5: {
        const size_t at = pick(b.size()), n = 1 + pick(std::min<size_t>(256, b.size() - at));
        const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(at),
                          b.begin() + static_cast<std::ptrdiff_t>(at + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size())), chunk.begin(),
                 chunk.end());
        break;
      }
    }
  }
  return b;
}

int line_count(const std::string& s) {
  int n = 0;
  for (const char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

// Empty when the execution ended as mcuprof promises; else what is wrong.
std::string judge(const ProcessResult& r, const fs::path& summary, bool is_run) {
  if (r.status == 124 || r.status == 137) return "hang (no answer within the time limit)";
  if (r.status > 128) return fmt::format("crash (signal {})", r.status - 128);
  if (r.status == 70 || r.err.find("internal error") != std::string::npos) return "internal error";
  if (r.err.find("terminate called") != std::string::npos) return "uncaught exception";
  // 79 is not an mcuprof error: the firmware exited with a status above 63.
  if (r.status >= 64 && r.status <= 78) {
    // One line naming the problem (a run may print its progress and fault report first).
    const auto last = r.err.rfind("mcuprof: error: ");
    if (last == std::string::npos) return "an error without an 'mcuprof: error:' line";
    if (line_count(r.err.substr(last)) != 1) return "an error of more than one line";
    return {};
  }
  if (is_run) {  // the run ran (exited, faulted, budget): its summary must be there, whole
    std::ifstream in(summary);
    if (!in) return fmt::format("status {} but no summary", r.status);
    try {
      const auto j = nlohmann::json::parse(in);
      if (!j.contains("stop_reason")) return "a summary without stop_reason";
    } catch (const std::exception& e) {
      return fmt::format("an unreadable summary: {}", e.what());
    }
  }
  return {};
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--mcuprof")
      o.mcuprof = value();
    else if (a == "--out")
      o.out = value();
    else if (a == "--seconds")
      o.seconds = std::stod(value());
    else if (a == "--runs")
      o.runs = std::stol(value());
    else if (a == "--seed")
      o.seed = static_cast<uint32_t>(std::stoul(value()));
    else if (a == "--timeout")
      o.timeout_s = std::stoi(value());
    else if (a == "--target")
      o.board = value();
    else if (a.rfind("--", 0) == 0)
      throw std::runtime_error("unknown option " + a);
    else
      o.seeds.emplace_back(a);
  }
  if (o.mcuprof.empty() || o.seeds.empty())
    throw std::runtime_error(
        "usage: mcuprof_cli_fuzz --mcuprof PATH [--seconds S | --runs N] "
        "[--seed N] [--timeout S] [--out DIR] SEED_FILE...");
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  std::vector<std::pair<fs::path, Bytes>> seeds;
  for (const auto& s : o.seeds)
    if (fs::is_regular_file(s)) seeds.emplace_back(s, read_bytes(s));
  if (seeds.empty()) throw std::runtime_error("none of the seed files exists");
  fs::create_directories(o.out);
  const fs::path work = o.out / fmt::format("work-{}", getpid());
  fs::create_directories(work);

  std::mt19937 rng(o.seed);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::map<std::string, long> executions;  // "command status" -> count
  long runs = 0, findings = 0;
  while (o.seconds > 0 ? elapsed() < o.seconds : runs < o.runs) {
    const auto& [seed_path, seed_bytes] = seeds[rng() % seeds.size()];
    const bool model = seed_path.extension() == ".tflite";
    const fs::path input = work / (model ? "mutant.tflite" : "mutant.elf");
    const fs::path summary = work / "summary.json", db = work / "traces.db";
    write_bytes(input, mutate(seed_bytes, rng));
    fs::remove(summary);
    // Models: inspect two times in three (it is fast), run otherwise; ELFs: run.
    const bool inspect = model && rng() % 3 != 0;
    std::vector<std::string> command_line{"/usr/bin/timeout", "-k", "10",
                                          std::to_string(o.timeout_s), o.mcuprof.string()};
    if (inspect) {
      command_line.insert(command_line.end(), {"inspect", input.string(), "--json"});
    } else {
      command_line.insert(command_line.end(),
                          {"run", input.string(), "--target", o.board, "--max-cycles", "2000000",
                           "--summary", summary.string(), "--db", db.string()});
    }
    const ProcessResult r = run_process(command_line);
    if (r.status == 127) throw std::runtime_error("cannot start " + o.mcuprof.string());
    ++runs;
    const std::string command = inspect ? "inspect" : (model ? "run model" : "run elf");
    ++executions[fmt::format("{} {}", command, r.status)];
    if (const std::string why = judge(r, summary, !inspect); !why.empty()) {
      ++findings;
      const fs::path kept =
          o.out / fmt::format("finding-{}{}", findings, input.extension().string());
      fs::copy_file(input, kept, fs::copy_options::overwrite_existing);
      std::ofstream(o.out / fmt::format("finding-{}.txt", findings)) << fmt::format(
          "{}\nseed file {}\nstatus {}\n{}\n", why, seed_path.string(), r.status, r.err);
      std::cout << fmt::format("finding {}: {}: {} (mcuprof {} {}; kept as {})\n", findings,
                               seed_path.filename().string(), why, command, r.status,
                               kept.string());
    }
  }
  fs::remove_all(work);
  std::cout << fmt::format("{} executions in {:.0f} s, {} findings (seed {})\n", runs, elapsed(),
                           findings, o.seed);
  for (const auto& [what, n] : executions) std::cout << fmt::format("  {:<24} {}\n", what, n);
  return findings == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "mcuprof_cli_fuzz: " << e.what() << '\n';
  return 2;
}
