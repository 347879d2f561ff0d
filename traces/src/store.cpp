// The trace store over SQLiteCpp: the reader/query API (see store.hpp). Opening lives in
// open.cpp, writing in writer.cpp.
#include "mcuprof/traces/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include "db_errors.hpp"
#include "mcuprof/traces/window.hpp"
#include "mcuprof/traces/writer.hpp"
#include "muldiv.hpp"

namespace mcuprof::traces {
namespace {

uint64_t u64(const SQLite::Column& c) {
  return static_cast<uint64_t>(c.getInt64());
}

RunRecord read_run(SQLite::Statement& q) {
  RunRecord r;
  r.id = q.getColumn("id").getInt64();
  r.status = q.getColumn("status").getString();
  r.name = q.getColumn("name").getString();
  r.target = q.getColumn("target").getString();
  r.firmware_path = q.getColumn("firmware_path").getString();
  r.firmware_sha256 = q.getColumn("firmware_sha256").getString();
  r.model_path = q.getColumn("model_path").getString();
  r.model_sha256 = q.getColumn("model_sha256").getString();
  r.schedule = q.getColumn("schedule").getString();
  r.started_at = q.getColumn("started_at").getString();
  r.tool_version = q.getColumn("tool_version").getString();
  r.cycle_model = q.getColumn("cycle_model").getString();
  r.clock_hz = u64(q.getColumn("clock_hz"));
  r.total_cycles = u64(q.getColumn("total_cycles"));
  r.instructions = u64(q.getColumn("instructions"));
  r.stop_reason = q.getColumn("stop_reason").getString();
  r.exit_code = q.getColumn("exit_code").getInt();
  r.fault = q.getColumn("fault").getString();
  r.detail = q.getColumn("detail").getString();
  r.peak_sram_bytes = u64(q.getColumn("peak_sram_bytes"));
  r.peak_sram_ts = u64(q.getColumn("peak_sram_ts"));
  r.peak_sram_where = q.getColumn("peak_sram_where").getString();
  r.arena_bytes = u64(q.getColumn("arena_bytes"));
  r.macs = u64(q.getColumn("macs"));
  r.flash_ifetch_bytes = u64(q.getColumn("flash_ifetch_bytes"));
  r.flash_data_bytes = u64(q.getColumn("flash_data_bytes"));
  r.flash_data_measured = q.getColumn("flash_data_measured").getInt() != 0;
  r.static_sram_bytes = u64(q.getColumn("static_sram_bytes"));
  r.kernel_scratch_bytes = u64(q.getColumn("kernel_scratch_bytes"));
  r.stack_bytes = u64(q.getColumn("stack_bytes"));
  r.stack_peak_bytes = u64(q.getColumn("stack_peak_bytes"));
  r.sram_in_use_peak_bytes = u64(q.getColumn("sram_in_use_peak_bytes"));
  r.sram_bytes = u64(q.getColumn("sram_bytes"));
  r.flash_bytes = u64(q.getColumn("flash_bytes"));
  r.firmware_flash_bytes = u64(q.getColumn("firmware_flash_bytes"));
  r.model_flash_bytes = u64(q.getColumn("model_flash_bytes"));
  r.flash_size_bytes = u64(q.getColumn("flash_size_bytes"));
  r.provenance = {q.getColumn("input_hash").getString(), q.getColumn("job_id").getString(),
                  q.getColumn("task_id").getString(), q.getColumn("host").getString()};
  return r;
}

double ms_at(uint64_t cycles, uint64_t clock_hz) {
  return clock_hz == 0 ? 0.0 : static_cast<double>(cycles) * 1000.0 / static_cast<double>(clock_hz);
}

double share_of(uint64_t part, uint64_t total) {
  return total == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(total);
}

// Runs `body`, turning SQLite errors into a TraceError that names the file and the action.
template <typename F>
auto guarded(const std::filesystem::path& path, std::string_view action, F&& body) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(path.string(), action, e);
  }
}

constexpr const char* kSpanSelect = R"sql(
  SELECT s.id, s.parent_id, s.depth, tn.str, sn.str, sc.str, s.ts, s.dur, s.cycles,
         s.self_cycles, s.instructions, s.flash_ifetch_bytes, s.flash_data_bytes,
         s.sram_peak_bytes, s.macs, so.str, s.layer_index, s.patch_row, s.patch_col
  FROM slice s
  JOIN track t ON t.id = s.track_id
  JOIN string tn ON tn.id = t.name_id
  JOIN string sn ON sn.id = s.name_id
  JOIN string sc ON sc.id = s.category_id
  LEFT JOIN string so ON so.id = s.op_id
  WHERE s.run_id = ?1 AND (?2 = '' OR tn.str = ?2) AND (?3 = '' OR sc.str = ?3)
  ORDER BY t.id, s.ts, s.depth)sql";

std::optional<int64_t> opt_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

Span read_span(SQLite::Statement& q) {
  Span s;
  s.id = q.getColumn(0).getInt64();
  s.parent_id = q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt64();
  s.depth = q.getColumn(2).getInt();
  s.track = q.getColumn(3).getString();
  s.name = q.getColumn(4).getString();
  s.kind = q.getColumn(5).getString();
  s.ts = u64(q.getColumn(6));
  s.dur = u64(q.getColumn(7));
  s.cycles = u64(q.getColumn(8));
  if (!q.getColumn(9).isNull()) s.self_cycles = u64(q.getColumn(9));
  s.instructions = u64(q.getColumn(10));
  s.flash_ifetch_bytes = u64(q.getColumn(11));
  s.flash_data_bytes = u64(q.getColumn(12));
  s.sram_peak_bytes = u64(q.getColumn(13));
  s.macs = u64(q.getColumn(14));
  s.op = q.getColumn(15).isNull() ? "" : q.getColumn(15).getString();
  s.layer_index = opt_int(q.getColumn(16));
  s.patch_row = opt_int(q.getColumn(17));
  s.patch_col = opt_int(q.getColumn(18));
  return s;
}

}  // namespace

TraceStore::TraceStore(std::filesystem::path path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}
TraceStore::TraceStore(TraceStore&&) noexcept = default;
TraceStore& TraceStore::operator=(TraceStore&&) noexcept = default;
TraceStore::~TraceStore() = default;

int64_t TraceStore::write_run(const RunRecord& run, const std::vector<ConsoleChunk>& console) {
  RunWriter writer(*this, run);
  for (const auto& chunk : console) writer.add_console(chunk);
  return writer.finish();
}

std::vector<RunRecord> TraceStore::runs() const {
  return guarded(path_, "read runs", [&] {
    std::vector<RunRecord> out;
    SQLite::Statement q(*db_, "SELECT * FROM runs ORDER BY id");
    while (q.executeStep()) out.push_back(read_run(q));
    return out;
  });
}

std::optional<RunRecord> TraceStore::run(int64_t id) const {
  return guarded(path_, fmt::format("read run {}", id), [&]() -> std::optional<RunRecord> {
    SQLite::Statement q(*db_, "SELECT * FROM runs WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_run(q);
  });
}

std::optional<RunRecord> TraceStore::find_run(std::string_view id_or_name) const {
  int64_t id = 0;
  const auto* end = id_or_name.data() + id_or_name.size();
  const auto [ptr, ec] = std::from_chars(id_or_name.data(), end, id);
  if (ec == std::errc() && ptr == end && !id_or_name.empty()) {
    if (auto r = run(id)) return r;
  }
  return guarded(path_, "find run", [&]() -> std::optional<RunRecord> {
    SQLite::Statement q(*db_, "SELECT * FROM runs WHERE name = ? ORDER BY id DESC LIMIT 1");
    q.bind(1, std::string(id_or_name));
    if (!q.executeStep()) return std::nullopt;
    return read_run(q);
  });
}

std::vector<ConsoleChunk> TraceStore::console(int64_t run_id) const {
  return guarded(path_, fmt::format("read console of run {}", run_id), [&] {
    std::vector<ConsoleChunk> out;
    SQLite::Statement q(*db_, "SELECT source, text FROM console WHERE run_id = ? ORDER BY seq");
    q.bind(1, run_id);
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
    return out;
  });
}

std::vector<TrackInfo> TraceStore::tracks(int64_t run_id) const {
  return guarded(path_, fmt::format("read tracks of run {}", run_id), [&] {
    std::vector<TrackInfo> out;
    SQLite::Statement q(*db_, R"sql(
      SELECT t.id, s.str, t.type, t.unit, t.exact_samples, t.stored_samples
      FROM track t JOIN string s ON s.id = t.name_id WHERE t.run_id = ? ORDER BY t.id)sql");
    q.bind(1, run_id);
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getString(), u64(q.getColumn(4)),
                     u64(q.getColumn(5))});
    return out;
  });
}

std::vector<Span> TraceStore::spans(int64_t run_id, const SpanFilter& filter) const {
  return guarded(path_, fmt::format("read spans of run {}", run_id), [&] {
    std::vector<Span> out;
    SQLite::Statement q(*db_, kSpanSelect);
    q.bind(1, run_id);
    q.bind(2, filter.track);
    q.bind(3, filter.kind);
    while (q.executeStep()) out.push_back(read_span(q));
    if (out.empty()) return out;
    // Free arguments, one query for the run.
    std::map<int64_t, size_t> index;
    for (size_t i = 0; i < out.size(); ++i) index[out[i].id] = i;
    SQLite::Statement a(*db_, R"sql(
      SELECT a.slice_id, k.str, a.value FROM arg a
      JOIN slice s ON s.id = a.slice_id JOIN string k ON k.id = a.key_id
      WHERE s.run_id = ? ORDER BY a.slice_id, k.str)sql");
    a.bind(1, run_id);
    while (a.executeStep()) {
      const auto it = index.find(a.getColumn(0).getInt64());
      if (it == index.end()) continue;
      const auto& v = a.getColumn(2);
      ArgValue value = v.isInteger() ? ArgValue(v.getInt64())
                       : v.isFloat() ? ArgValue(v.getDouble())
                                     : ArgValue(v.getString());
      out[it->second].args.emplace_back(a.getColumn(1).getString(), std::move(value));
    }
    return out;
  });
}

std::vector<CounterPoint> TraceStore::counters(int64_t run_id, std::string_view track,
                                               uint64_t from, uint64_t to) const {
  return guarded(path_, fmt::format("read counter {} of run {}", track, run_id), [&] {
    std::vector<CounterPoint> out;
    // ts is stored as a signed 64-bit integer; cycle counts stay far below 2^63.
    const auto lo = static_cast<int64_t>(std::min<uint64_t>(from, INT64_MAX));
    const auto hi = static_cast<int64_t>(std::min<uint64_t>(to, INT64_MAX));
    SQLite::Statement before(*db_, R"sql(
      SELECT c.ts, c.value FROM counter c JOIN track t ON t.id = c.track_id
      JOIN string s ON s.id = t.name_id
      WHERE t.run_id = ?1 AND s.str = ?2 AND c.ts < ?3 ORDER BY c.ts DESC, c.id DESC LIMIT 1)sql");
    before.bind(1, run_id);
    before.bind(2, std::string(track));
    before.bind(3, lo);
    if (before.executeStep())
      out.push_back({u64(before.getColumn(0)), before.getColumn(1).getInt64()});
    SQLite::Statement q(*db_, R"sql(
      SELECT c.ts, c.value FROM counter c JOIN track t ON t.id = c.track_id
      JOIN string s ON s.id = t.name_id
      WHERE t.run_id = ?1 AND s.str = ?2 AND c.ts >= ?3 AND c.ts < ?4 ORDER BY c.ts, c.id)sql");
    q.bind(1, run_id);
    q.bind(2, std::string(track));
    q.bind(3, lo);
    q.bind(4, hi);
    while (q.executeStep()) out.push_back({u64(q.getColumn(0)), q.getColumn(1).getInt64()});
    return out;
  });
}

std::vector<CounterColumn> TraceStore::counter_columns(int64_t run_id, std::string_view track,
                                                       uint64_t from, uint64_t to,
                                                       size_t columns) const {
  std::vector<CounterColumn> out;
  if (columns == 0 || to <= from) return out;
  const uint64_t span = to - from;
  out.resize(columns);
  for (size_t i = 0; i < columns; ++i) {
    // Exact integer column bounds: column i covers [from + i*span/n, from + (i+1)*span/n).
    const auto edge = [&](size_t k) { return from + muldiv(span, k, columns); };
    out[i].ts_begin = edge(i);
    out[i].ts_end = edge(i + 1);
  }
  // Walk columns and samples together: a column holds the value in force at its start,
  // then every sample inside it.
  const auto points = counters(run_id, track, from, to);
  size_t i = 0;
  bool have = false;
  int64_t current = 0;
  for (; i < points.size() && points[i].ts < from; ++i) {
    have = true;
    current = points[i].value;
  }
  for (auto& c : out) {
    if (have) {
      c.has_value = true;
      c.min = c.max = current;
    }
    for (; i < points.size() && points[i].ts < c.ts_end; ++i) {
      current = points[i].value;
      if (!c.has_value) {
        c.has_value = true;
        c.min = c.max = current;
      } else {
        c.min = std::min(c.min, current);
        c.max = std::max(c.max, current);
      }
      have = true;
    }
  }
  return out;
}

std::vector<LayerRow> TraceStore::layer_table(int64_t run_id) const {
  const auto r = run(run_id);
  if (!r) throw TraceError(fmt::format("{}: no run {}", path_.string(), run_id));
  return guarded(path_, fmt::format("read layers of run {}", run_id), [&] {
    std::vector<LayerRow> out;
    // Layers in order of first appearance; layer-in-patch pieces join their layer.
    SQLite::Statement q(*db_, R"sql(
      SELECT COALESCE(s.layer_index, -1) AS li,
             MIN(sn.str), MIN(COALESCE(so.str, '')), COUNT(*), SUM(s.cycles), SUM(s.macs),
             SUM(s.flash_data_bytes), MAX(s.sram_peak_bytes), MIN(s.ts) AS first_ts,
             SUM(s.flash_ifetch_bytes)
      FROM slice s
      JOIN string sc ON sc.id = s.category_id
      JOIN string sn ON sn.id = s.name_id
      LEFT JOIN string so ON so.id = s.op_id
      WHERE s.run_id = ? AND sc.str IN ('layer', 'layer-in-patch')
      GROUP BY li, CASE WHEN s.layer_index IS NULL THEN sn.str END
      ORDER BY li < 0, li, first_ts)sql");
    q.bind(1, run_id);
    while (q.executeStep()) {
      LayerRow row;
      row.layer_index = q.getColumn(0).getInt64();
      row.name = q.getColumn(1).getString();
      row.op = q.getColumn(2).getString();
      row.spans = u64(q.getColumn(3));
      row.cycles = u64(q.getColumn(4));
      row.macs = u64(q.getColumn(5));
      row.flash_data_bytes = u64(q.getColumn(6));
      row.sram_peak_bytes = u64(q.getColumn(7));
      row.flash_ifetch_bytes = u64(q.getColumn(9));
      row.ms = ms_at(row.cycles, r->clock_hz);
      row.share = share_of(row.cycles, r->total_cycles);
      row.cycles_per_mac =
          row.macs == 0 ? 0.0 : static_cast<double>(row.cycles) / static_cast<double>(row.macs);
      out.push_back(std::move(row));
    }
    return out;
  });
}

std::vector<PatchRow> TraceStore::patch_table(int64_t run_id) const {
  const auto r = run(run_id);
  if (!r) throw TraceError(fmt::format("{}: no run {}", path_.string(), run_id));
  std::vector<PatchRow> out;
  const uint64_t origin = inference_window(*this, *r).begin;  // time 0: inference start
  for (const auto& s : spans(run_id, {"", kind::kPatch})) {
    PatchRow row;
    row.name = s.name;
    row.patch_row = s.patch_row.value_or(-1);
    row.patch_col = s.patch_col.value_or(-1);
    row.ts = s.ts >= origin ? s.ts - origin : 0;
    row.cycles = s.cycles;
    row.ms = ms_at(s.cycles, r->clock_hz);
    row.share = share_of(s.cycles, r->total_cycles);
    row.macs = s.macs;
    row.flash_data_bytes = s.flash_data_bytes;
    row.flash_ifetch_bytes = s.flash_ifetch_bytes;
    row.sram_peak_bytes = s.sram_peak_bytes;
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const PatchRow& x, const PatchRow& y) { return x.ts < y.ts; });
  return out;
}

std::vector<FunctionRow> TraceStore::function_table(int64_t run_id) const {
  const auto r = run(run_id);
  if (!r) throw TraceError(fmt::format("{}: no run {}", path_.string(), run_id));
  const auto spans_ = spans(run_id, {track::kFunctions, kind::kFunction});
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < spans_.size(); ++i) index[spans_[i].id] = i;
  const auto int_arg = [](const Span& s, std::string_view key) -> uint64_t {
    for (const auto& [k, v] : s.args)
      if (k == key && std::holds_alternative<int64_t>(v))
        return static_cast<uint64_t>(std::get<int64_t>(v));
    return 0;
  };
  std::map<std::string, FunctionRow> rows;
  for (const auto& s : spans_) {
    FunctionRow& row = rows[s.name];
    row.name = s.name;
    row.calls += int_arg(s, "calls");
    row.self_cycles += s.self_cycles.value_or(0);
    row.self_instructions += int_arg(s, "self_instructions");
    bool nested = false;  // the same function further up this path
    for (int64_t p = s.parent_id; p != 0 && !nested;) {
      const auto it = index.find(p);
      if (it == index.end()) break;
      nested = spans_[it->second].name == s.name;
      p = spans_[it->second].parent_id;
    }
    if (nested) continue;
    row.cycles += s.cycles;
    row.instructions += s.instructions;
    row.flash_ifetch_bytes += s.flash_ifetch_bytes;
    row.flash_data_bytes += s.flash_data_bytes;
  }
  std::vector<FunctionRow> out;
  for (auto& [name, row] : rows) {
    row.self_share = share_of(row.self_cycles, r->total_cycles);
    row.share = share_of(row.cycles, r->total_cycles);
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [](const FunctionRow& x, const FunctionRow& y) {
    return x.self_cycles > y.self_cycles;
  });
  return out;
}

RunComparison TraceStore::compare(int64_t run_a, int64_t run_b) const {
  RunComparison c;
  const auto a = run(run_a);
  const auto b = run(run_b);
  if (!a) throw TraceError(fmt::format("{}: no run {}", path_.string(), run_a));
  if (!b) throw TraceError(fmt::format("{}: no run {}", path_.string(), run_b));
  c.a = *a;
  c.b = *b;
  std::map<std::string, int> seen_a, seen_b;  // op -> layers of that op so far
  const auto key = [](const LayerRow& row, std::map<std::string, int>& seen) {
    const std::string op = row.op.empty() ? row.name : row.op;
    return fmt::format("{} #{}", op, seen[op]++);
  };
  std::map<std::string, size_t> where;
  for (auto& row : layer_table(run_a)) {
    std::string match = key(row, seen_a);
    where[match] = c.layers.size();
    c.layers.push_back({std::move(match), row.layer_index, row.name, row, std::nullopt});
  }
  for (auto& row : layer_table(run_b)) {
    std::string match = key(row, seen_b);
    const auto it = where.find(match);
    if (it != where.end()) {
      c.layers[it->second].b = row;
    } else {
      c.layers.push_back({std::move(match), row.layer_index, row.name, std::nullopt, row});
    }
  }
  return c;
}

int TraceStore::schema_version() const {
  return guarded(path_, "read the schema version",
                 [&] { return db_->execAndGet("PRAGMA user_version").getInt(); });
}

}  // namespace mcuprof::traces
