#!/usr/bin/env bash
# Regenerates the command examples in docs/*.md from real runs, so they cannot go stale.
#
# An example is the text between a line "<!-- example: COMMAND -->" and a line
# "<!-- /example -->". The script runs COMMAND with bash — in a scratch folder per docs
# page (examples of a page run in order, so a later one can use an earlier one's files),
# where `build` is the build folder, `../shared` the shared models and `mcuprof` is on
# PATH — and replaces the text with a fenced block: "$ COMMAND" and what it printed
# (stdout and stderr, trailing blanks removed, the scratch and build folders' absolute
# paths written as `.` and `build`).
#
#   scripts/doc-examples.sh            rewrite the examples in docs/
#   scripts/doc-examples.sh --check    change nothing; status 1 and a diff when one is stale
#
# BUILD_DIR (default build/) must hold a full build (the tool, the firmware and the test
# firmware). The DocExamples.UpToDate test runs --check; without ../shared it skips
# (status 77).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
check=0
if [[ ${1:-} == --check ]]; then
  check=1
  shift
fi
build=$(cd "${1:-build}" && pwd)
shared=$(cd "$root/../shared" 2>/dev/null && pwd || true)
if [[ ! -x $build/bin/mcuprof ]]; then
  echo "doc-examples: $build/bin/mcuprof not found: build first (scripts/build.sh)" >&2
  exit 2
fi

if [[ -z $shared ]] && grep -q '^<!-- example: .*\.\./shared' docs/*.md; then
  echo "doc-examples: skipped: ../shared/models not found (the examples run the shared models)"
  exit 77
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
stale=0

# The page with its examples run: from $1 to stdout.
render() {
  local page=$1 work=$2 line command in_example=0
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ ^\<\!--\ example:\ (.*)\ --\>$ ]]; then
      command=${BASH_REMATCH[1]}
      printf '%s\n```\n$ %s\n' "$line" "$command"
      (cd "$work" && PATH="$build/bin:$PATH" bash -c "$command" 2>&1 || true) |
        sed -e "s#$work#.#g" -e "s#$build#build#g" -e 's/[[:space:]]*$//'
      printf '```\n'
      in_example=1
    elif [[ $line == '<!-- /example -->' ]]; then
      in_example=0
      printf '%s\n' "$line"
    elif ((in_example == 0)); then
      printf '%s\n' "$line"
    fi
  done <"$page"
}

for page in docs/*.md; do
  grep -q '^<!-- example: ' "$page" || continue
  name=$(basename "$page" .md)
  work="$scratch/$name/work"
  mkdir -p "$work"
  ln -s "$build" "$work/build"
  [[ -n $shared ]] && ln -s "$shared" "$scratch/$name/shared"
  render "$page" "$work" >"$scratch/$name.md"
  if ! cmp -s "$page" "$scratch/$name.md"; then
    if ((check)); then
      echo "doc-examples: $page is stale (run scripts/doc-examples.sh):"
      diff -u "$page" "$scratch/$name.md" || true
      stale=1
    else
      cp "$scratch/$name.md" "$page"
      echo "doc-examples: updated $page"
    fi
  fi
done
exit "$stale"
