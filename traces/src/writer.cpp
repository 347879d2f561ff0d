// RunWriter (see writer.hpp): nesting check, peak summary, downsampling, and the one
// transaction that writes a run with prepared, batched statements.
#include "mcuprof/traces/writer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_map>

#include "db_errors.hpp"
#include "mcuprof/traces/downsample.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {
namespace {

// The columns of `runs` a writer sets, in one place for INSERT and UPDATE.
// clang-format off
constexpr std::array<const char*, 41> kRunColumns = {
    "status", "name", "target", "firmware_path", "firmware_sha256", "model_path",
    "model_sha256", "schedule", "started_at", "tool_version", "cycle_model", "clock_hz",
    "total_cycles", "instructions", "stop_reason", "exit_code", "fault", "detail",
    "latency_ms", "peak_sram_bytes", "peak_sram_ts", "peak_sram_where", "arena_bytes", "macs",
    "flash_ifetch_bytes", "flash_data_bytes", "flash_data_measured", "static_sram_bytes",
    "kernel_scratch_bytes", "stack_bytes", "stack_peak_bytes", "sram_in_use_peak_bytes",
    "sram_bytes", "flash_bytes", "firmware_flash_bytes", "model_flash_bytes", "flash_size_bytes",
    "input_hash", "job_id", "task_id", "host"};
// clang-format on

std::string insert_run_sql() {
  std::string cols;
  std::string params;
  for (const char* c : kRunColumns) {
    cols += fmt::format("{}{}", cols.empty() ? "" : ", ", c);
    params += fmt::format("{}:{}", params.empty() ? "" : ", ", c);
  }
  return fmt::format("INSERT INTO runs ({}) VALUES ({})", cols, params);
}

std::string update_run_sql() {
  std::string sets;
  for (const char* c : kRunColumns)
    sets += fmt::format("{}{} = :{}", sets.empty() ? "" : ", ", c, c);
  return fmt::format("UPDATE runs SET {} WHERE id = :id", sets);
}

int64_t i64(uint64_t v) {
  return static_cast<int64_t>(v);
}

void bind_run(SQLite::Statement& q, const RunRecord& r) {
  q.bind(":status", r.status);
  q.bind(":name", r.name);
  q.bind(":target", r.target);
  q.bind(":firmware_path", r.firmware_path);
  q.bind(":firmware_sha256", r.firmware_sha256);
  q.bind(":model_path", r.model_path);
  q.bind(":model_sha256", r.model_sha256);
  q.bind(":schedule", r.schedule);
  q.bind(":started_at", r.started_at);
  q.bind(":tool_version", r.tool_version);
  q.bind(":cycle_model", r.cycle_model);
  q.bind(":clock_hz", i64(r.clock_hz));
  q.bind(":total_cycles", i64(r.total_cycles));
  q.bind(":instructions", i64(r.instructions));
  q.bind(":stop_reason", r.stop_reason);
  q.bind(":exit_code", r.exit_code);
  q.bind(":fault", r.fault);
  q.bind(":detail", r.detail);
  q.bind(":latency_ms", r.latency_ms());
  q.bind(":peak_sram_bytes", i64(r.peak_sram_bytes));
  q.bind(":peak_sram_ts", i64(r.peak_sram_ts));
  q.bind(":peak_sram_where", r.peak_sram_where);
  q.bind(":arena_bytes", i64(r.arena_bytes));
  q.bind(":macs", i64(r.macs));
  q.bind(":flash_ifetch_bytes", i64(r.flash_ifetch_bytes));
  q.bind(":flash_data_bytes", i64(r.flash_data_bytes));
  q.bind(":flash_data_measured", r.flash_data_measured ? 1 : 0);
  q.bind(":static_sram_bytes", i64(r.static_sram_bytes));
  q.bind(":kernel_scratch_bytes", i64(r.kernel_scratch_bytes));
  q.bind(":stack_bytes", i64(r.stack_bytes));
  q.bind(":stack_peak_bytes", i64(r.stack_peak_bytes));
  q.bind(":sram_in_use_peak_bytes", i64(r.sram_in_use_peak_bytes));
  q.bind(":sram_bytes", i64(r.sram_bytes));
  q.bind(":flash_bytes", i64(r.flash_bytes));
  q.bind(":firmware_flash_bytes", i64(r.firmware_flash_bytes));
  q.bind(":model_flash_bytes", i64(r.model_flash_bytes));
  q.bind(":flash_size_bytes", i64(r.flash_size_bytes));
  q.bind(":input_hash", r.provenance.input_hash);
  q.bind(":job_id", r.provenance.job_id);
  q.bind(":task_id", r.provenance.task_id);
  q.bind(":host", r.provenance.host);
}

// Interns strings into the `string` table, remembering ids for the transaction.
class Interner {
 public:
  explicit Interner(SQLite::Database& db)
      : insert_(db, "INSERT INTO string (str) VALUES (?) ON CONFLICT (str) DO NOTHING"),
        select_(db, "SELECT id FROM string WHERE str = ?") {}

  int64_t operator()(const std::string& s) {
    if (const auto it = ids_.find(s); it != ids_.end()) return it->second;
    insert_.bind(1, s);
    insert_.exec();
    insert_.reset();
    select_.bind(1, s);
    select_.executeStep();
    const int64_t id = select_.getColumn(0).getInt64();
    select_.reset();
    ids_.emplace(s, id);
    return id;
  }

 private:
  SQLite::Statement insert_;
  SQLite::Statement select_;
  std::unordered_map<std::string, int64_t> ids_;
};

// Inserts counter rows kBatch at a time with one multi-row statement.
class CounterInserter {
 public:
  static constexpr size_t kBatch = 256;  // 768 parameters, far below SQLite's limit

  explicit CounterInserter(SQLite::Database& db)
      : batch_(db, batch_sql()),
        single_(db, "INSERT INTO counter (track_id, ts, value) VALUES (?, ?, ?)") {}

  void insert(int64_t track_id, const std::vector<CounterPoint>& points) {
    size_t i = 0;
    for (; i + kBatch <= points.size(); i += kBatch) {
      int p = 1;
      for (size_t k = 0; k < kBatch; ++k) {
        batch_.bind(p++, track_id);
        batch_.bind(p++, i64(points[i + k].ts));
        batch_.bind(p++, points[i + k].value);
      }
      batch_.exec();
      batch_.reset();
    }
    for (; i < points.size(); ++i) {
      single_.bind(1, track_id);
      single_.bind(2, i64(points[i].ts));
      single_.bind(3, points[i].value);
      single_.exec();
      single_.reset();
    }
  }

 private:
  static std::string batch_sql() {
    std::string sql = "INSERT INTO counter (track_id, ts, value) VALUES ";
    for (size_t k = 0; k < kBatch; ++k) sql += k == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
    return sql;
  }
  SQLite::Statement batch_;
  SQLite::Statement single_;
};

uint64_t end_of(const Span& s) {
  return s.ts + s.dur;
}

}  // namespace

RunWriter::RunWriter(TraceStore& store, RunRecord run, WriterOptions options)
    : store_(store), run_(std::move(run)), options_(options) {
  run_.id = 0;
  if (!options_.announce_early) return;
  run_.status = "incomplete";
  try {
    SQLite::Database& db = store_.database();
    SQLite::Transaction tx(db);
    SQLite::Statement insert(db, insert_run_sql());
    bind_run(insert, run_);
    insert.exec();
    run_.id = db.getLastInsertRowid();
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw_sqlite_error(store_.path().string(), "start run", e);
  }
}

size_t RunWriter::add_span(Span span) {
  spans_.push_back(std::move(span));
  open_.push_back(false);
  return spans_.size() - 1;
}

size_t RunWriter::begin_span(std::string track, std::string name, std::string kind, uint64_t ts) {
  Span s;
  s.track = std::move(track);
  s.name = std::move(name);
  s.kind = std::move(kind);
  s.ts = ts;
  const size_t index = add_span(std::move(s));
  open_[index] = true;
  return index;
}

void RunWriter::end_span(size_t index, uint64_t ts) {
  Span& s = spans_.at(index);
  if (!open_[index]) throw TraceError(fmt::format("span '{}' is not open", s.name));
  if (ts < s.ts) throw TraceError(fmt::format("span '{}' ends before it begins", s.name));
  s.dur = ts - s.ts;
  open_[index] = false;
}

void RunWriter::add_counter(std::string_view track, uint64_t ts, int64_t value) {
  auto it = counters_.find(track);
  if (it == counters_.end()) it = counters_.emplace(std::string(track), Counter{}).first;
  auto& points = it->second.points;
  if (!points.empty() && ts < points.back().ts)
    throw TraceError(fmt::format("counter {}: sample at cycle {} is earlier than the last ({})",
                                 track, ts, points.back().ts));
  points.push_back({ts, value});
}

void RunWriter::set_counter_unit(std::string_view track, std::string unit) {
  auto it = counters_.find(track);
  if (it == counters_.end()) it = counters_.emplace(std::string(track), Counter{}).first;
  it->second.unit = std::move(unit);
}

void RunWriter::add_console(ConsoleChunk chunk) {
  console_.push_back(std::move(chunk));
}

int64_t RunWriter::finish() {
  if (finished_) throw TraceError("run already written");
  for (size_t i = 0; i < spans_.size(); ++i)
    if (open_[i]) throw TraceError(fmt::format("span '{}' was never ended", spans_[i].name));

  // Order spans per track by start, longer first, so parents come before children;
  // a stack of open spans then gives parent and depth and catches partial overlaps.
  std::vector<size_t> order(spans_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Span& a = spans_[x];
    const Span& b = spans_[y];
    if (a.track != b.track) return a.track < b.track;
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.dur > b.dur;
  });
  std::vector<size_t> parent(spans_.size(), SIZE_MAX);
  std::vector<size_t> stack;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    Span& s = spans_[i];
    if (k > 0 && spans_[order[k - 1]].track != s.track) stack.clear();
    while (!stack.empty() && spans_[stack.back()].ts < s.ts && end_of(spans_[stack.back()]) <= s.ts)
      stack.pop_back();
    if (!stack.empty() && end_of(s) > end_of(spans_[stack.back()])) {
      const Span& p = spans_[stack.back()];
      throw TraceError(
          fmt::format("spans overlap without nesting on track {}: '{}' [{}, {}) and '{}' [{}, {})",
                      s.track, p.name, p.ts, end_of(p), s.name, s.ts, end_of(s)));
    }
    s.depth = static_cast<int>(stack.size());
    if (!stack.empty()) parent[i] = stack.back();
    stack.push_back(i);
  }

  // SRAM in use at its highest, from the exact sram.total series, unless the caller set
  // it; peak SRAM too when the caller did not set it.
  if (const auto it = counters_.find(track::kSramTotal);
      run_.peak_sram_where.empty() && it != counters_.end() && !it->second.points.empty()) {
    const auto& pts = it->second.points;
    const auto peak = std::max_element(
        pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
    run_.sram_in_use_peak_bytes = static_cast<uint64_t>(std::max<int64_t>(peak->value, 0));
    if (run_.peak_sram_bytes == 0) run_.peak_sram_bytes = run_.sram_in_use_peak_bytes;
    run_.peak_sram_ts = peak->ts;
    // The innermost span holding the peak's time, [ts, end). When only the run holds it,
    // a span ending exactly there: a sample taken at an end event holds the stack reached
    // inside that span. The earliest span wins a tie.
    const auto innermost = [&](bool closed_end) {
      size_t inner = SIZE_MAX;
      for (size_t i = 0; i < spans_.size(); ++i) {
        const Span& s = spans_[i];
        const bool inside =
            s.ts <= peak->ts && (peak->ts < end_of(s) || (closed_end && peak->ts == end_of(s)));
        if (s.track == track::kLayers && inside &&
            (inner == SIZE_MAX || s.depth > spans_[inner].depth))
          inner = i;
      }
      return inner;
    };
    size_t inner = innermost(false);
    if (inner == SIZE_MAX || spans_[inner].depth == 0) {
      const size_t at_end = innermost(true);
      if (at_end != SIZE_MAX) inner = at_end;
    }
    std::string where;
    for (size_t i = inner; i != SIZE_MAX; i = parent[i]) {
      if (spans_[i].kind == kind::kRun) break;
      where = where.empty() ? spans_[i].name : spans_[i].name + " / " + where;
    }
    run_.peak_sram_where = where;
  }
  run_.status = "complete";

  try {
    SQLite::Database& db = store_.database();
    SQLite::Transaction tx(db);
    if (options_.announce_early) {
      SQLite::Statement update(db, update_run_sql());
      bind_run(update, run_);
      update.bind(":id", run_.id);
      update.exec();
    } else {
      SQLite::Statement insert(db, insert_run_sql());
      bind_run(insert, run_);
      insert.exec();
      run_.id = db.getLastInsertRowid();
    }

    Interner intern(db);
    SQLite::Statement add_track(db, R"sql(
      INSERT INTO track (run_id, name_id, type, unit, exact_samples, stored_samples)
      VALUES (?, ?, ?, ?, ?, ?))sql");
    const auto make_track = [&](const std::string& name, const char* type, const std::string& unit,
                                uint64_t exact, uint64_t stored) {
      add_track.bind(1, run_.id);
      add_track.bind(2, intern(name));
      add_track.bind(3, type);
      add_track.bind(4, unit);
      add_track.bind(5, i64(exact));
      add_track.bind(6, i64(stored));
      add_track.exec();
      add_track.reset();
      return db.getLastInsertRowid();
    };

    std::unordered_map<std::string, int64_t> span_tracks;
    SQLite::Statement add_slice(db, R"sql(
      INSERT INTO slice (run_id, track_id, ts, dur, depth, parent_id, name_id, category_id,
                         cycles, self_cycles, instructions, flash_ifetch_bytes, flash_data_bytes,
                         sram_peak_bytes, macs, op_id, layer_index, patch_row, patch_col)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    SQLite::Statement add_arg(
        db, "INSERT OR REPLACE INTO arg (slice_id, key_id, value) VALUES (?, ?, ?)");
    std::vector<int64_t> row_id(spans_.size(), 0);
    const auto bind_opt = [&](int col, const std::optional<int64_t>& v) {
      if (v)
        add_slice.bind(col, *v);
      else
        add_slice.bind(col);
    };
    for (const size_t i : order) {
      const Span& s = spans_[i];
      auto t = span_tracks.find(s.track);
      if (t == span_tracks.end())
        t = span_tracks.emplace(s.track, make_track(s.track, "slice", "", 0, 0)).first;
      int c = 1;
      add_slice.bind(c++, run_.id);
      add_slice.bind(c++, t->second);
      add_slice.bind(c++, i64(s.ts));
      add_slice.bind(c++, i64(s.dur));
      add_slice.bind(c++, s.depth);
      if (parent[i] != SIZE_MAX)
        add_slice.bind(c++, row_id[parent[i]]);
      else
        add_slice.bind(c++);
      add_slice.bind(c++, intern(s.name));
      add_slice.bind(c++, intern(s.kind));
      add_slice.bind(c++, i64(s.cycles));
      if (s.self_cycles)
        add_slice.bind(c++, i64(*s.self_cycles));
      else
        add_slice.bind(c++);
      add_slice.bind(c++, i64(s.instructions));
      add_slice.bind(c++, i64(s.flash_ifetch_bytes));
      add_slice.bind(c++, i64(s.flash_data_bytes));
      add_slice.bind(c++, i64(s.sram_peak_bytes));
      add_slice.bind(c++, i64(s.macs));
      if (!s.op.empty())
        add_slice.bind(c++, intern(s.op));
      else
        add_slice.bind(c++);
      bind_opt(c++, s.layer_index);
      bind_opt(c++, s.patch_row);
      bind_opt(c++, s.patch_col);
      add_slice.exec();
      add_slice.reset();
      row_id[i] = db.getLastInsertRowid();
      for (const auto& [key, value] : s.args) {
        add_arg.bind(1, row_id[i]);
        add_arg.bind(2, intern(key));
        std::visit([&](const auto& v) { add_arg.bind(3, v); }, value);
        add_arg.exec();
        add_arg.reset();
      }
    }

    CounterInserter counters(db);
    for (const auto& [name, counter] : counters_) {
      const auto stored = downsample_counter(counter.points, options_.max_counter_points);
      const int64_t id =
          make_track(name, "counter", counter.unit, counter.points.size(), stored.size());
      counters.insert(id, stored);
    }

    SQLite::Statement line(db,
                           "INSERT INTO console (run_id, seq, source, text) VALUES (?, ?, ?, ?)");
    int64_t seq = 0;
    for (const auto& chunk : console_) {
      line.bind(1, run_.id);
      line.bind(2, seq++);
      line.bind(3, chunk.source);
      line.bind(4, chunk.text);
      line.exec();
      line.reset();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    if (!options_.announce_early) run_.id = 0;  // the insert was rolled back
    throw_sqlite_error(store_.path().string(), "write run", e);
  }
  finished_ = true;
  return run_.id;
}

}  // namespace mcuprof::traces
