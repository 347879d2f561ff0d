// Display names of runs (see run_labels.hpp).
#include "run_labels.hpp"

#include <filesystem>
#include <map>

namespace mcuprof::plot {
namespace {

// Appends " · part(run)" to the labels that share their text with another label, when
// that part differs within the group.
template <typename Part>
void separate(std::vector<std::string>& labels, const std::vector<traces::RunRecord>& runs,
              Part part) {
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < labels.size(); ++i) groups[labels[i]].push_back(i);
  for (const auto& [label, members] : groups) {
    if (members.size() < 2) continue;
    bool differs = false;
    for (const size_t i : members) differs |= part(runs[i]) != part(runs[members.front()]);
    if (!differs) continue;
    for (const size_t i : members)
      if (!part(runs[i]).empty()) labels[i] += " · " + part(runs[i]);
  }
}

}  // namespace

std::string run_display_name(const traces::RunRecord& run) {
  if (!run.name.empty()) return run.name;
  const std::string& path = !run.model_path.empty() ? run.model_path : run.firmware_path;
  const std::string file = std::filesystem::path(path).filename().string();
  return !file.empty() ? file : "run " + std::to_string(run.id);
}

std::vector<std::string> distinct_run_labels(const std::vector<traces::RunRecord>& runs) {
  std::vector<std::string> labels;
  labels.reserve(runs.size());
  for (const auto& r : runs) labels.push_back(run_display_name(r));
  separate(labels, runs, [](const traces::RunRecord& r) { return r.schedule; });
  separate(labels, runs, [](const traces::RunRecord& r) { return r.target; });
  std::map<std::string, int> count;
  for (const auto& l : labels) ++count[l];
  for (size_t i = 0; i < labels.size(); ++i)
    if (count[labels[i]] > 1) labels[i] = "#" + std::to_string(runs[i].id) + " " + labels[i];
  return labels;
}

}  // namespace mcuprof::plot
